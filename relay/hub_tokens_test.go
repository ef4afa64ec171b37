package relay

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseHubTokens(t *testing.T) {
	tests := []struct {
		name, text string
		want       map[string]string
		wantErr    string
	}{
		{"env style", "hello/dev=abc, hello/prod = def", map[string]string{"hello/dev": "abc", "hello/prod": "def"}, ""},
		{"file style", "# stages\nhello/dev=abc\n\nshop/qa=x=y\n", map[string]string{"hello/dev": "abc", "shop/qa": "x=y"}, ""},
		{"every problem", "nostage=a,hello/dev=,hello/dev=a,hello/dev=b", nil, "entry 1: want app/stage=token; entry 2: want app/stage=token; entry 4: hello/dev given twice"},
		{"empty", " \n# nothing\n", nil, "none given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseHubTokens(tt.text)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v %v, want %v", got, err, tt.want)
			}
		})
	}
}
