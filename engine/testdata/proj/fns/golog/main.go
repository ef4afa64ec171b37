// Command golog logs through log/slog's JSON handler at every level, and
// once in plain text, the way a Go function logs for Lambda's JSON format.
// An event {"fail": true} makes it return an error, {"crash": true} exit.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelDebug}))
	log.Info("golog init")
	lambda.Start(func(ctx context.Context, ev struct{ Fail, Crash bool }) (string, error) {
		log.Debug("golog debug")
		log.Info("golog info")
		log.Warn("golog warn")
		log.Error("golog error")
		fmt.Println("golog plain")
		if ev.Crash {
			os.Exit(3)
		}
		if ev.Fail {
			return "", errors.New("golog failed")
		}
		return "ok", nil
	})
}
