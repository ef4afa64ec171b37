package tui

import (
	"fmt"
	"testing"
)

func TestViewGolden(t *testing.T) {
	sizes := [][2]int{{80, 24}, {120, 40}}
	cases := []struct {
		name string
		keys []string
	}{
		{"overview", nil},
		{"invocations", []string{"tab", "j", "j"}},
		{"detail", []string{"tab", "j", "j", "j", "j", "j", "enter"}},
		{"detail_scrolled", []string{"tab", "j", "j", "j", "j", "j", "enter", "pgdown"}},
		{"filter", []string{"tab", "/", "w", "e", "b", "enter"}},
		{"drift", []string{"shift+tab"}},
		{"function", []string{"j", "j", "j", "enter"}},
		{"help", []string{"?"}},
	}
	for _, c := range cases {
		for _, sz := range sizes {
			name := fmt.Sprintf("%s_%dx%d", c.name, sz[0], sz[1])
			t.Run(name, func(t *testing.T) {
				m, _ := newTestModel(t, sz[0], sz[1])
				m = press(scene(m), c.keys...)
				v := m.View()
				checkFrame(t, v, sz[0], sz[1])
				golden(t, name, v)
			})
		}
	}
}
