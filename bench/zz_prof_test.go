package main

import (
	"context"
	"os"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/lambdev/lambdev/config"
	"github.com/lambdev/lambdev/engine"
	"github.com/lambdev/lambdev/relay"
)

func TestProfileInProcess(t *testing.T) {
	if os.Getenv("LAMBDEV_BENCH_PROF") == "" {
		t.Skip()
	}
	p, err := config.Load("testdata/proj/lambdev.yaml", config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(p, engine.Options{BuildDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	sub := eng.Subscribe(8192) // like the headless printer / TUI
	go func() {
		for range sub.C {
		}
	}()
	gw := relay.NewGateway(eng)
	if err := gw.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	go gw.Serve()
	eng.Start(context.Background())
	ctx := context.Background()
	for _, fn := range []string{"go", "py"} {
		url := gw.Endpoint() + invokePath(fn)
		hammer(ctx, url, 8, 500*time.Millisecond)
		for _, mode := range []string{"seq", "c8"} {
			f, _ := os.Create("/tmp/prof/" + fn + "-" + mode + ".pprof")
			pprof.StartCPUProfile(f)
			var l load
			if mode == "seq" {
				l = hammer(ctx, url, 1, 4*time.Second)
			} else {
				l = hammer(ctx, url, 8, 4*time.Second)
			}
			pprof.StopCPUProfile()
			f.Close()
			t.Logf("%s %s: %.0f/s errors %d", fn, mode, l.rate(), l.Errors)
		}
	}
	f, _ := os.Create("/tmp/prof/heap.pprof")
	pprof.WriteHeapProfile(f)
	f.Close()
}
