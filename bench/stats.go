package main

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// percentile returns the q-quantile (0..1) of samples by the nearest-rank
// method; samples are sorted in place.
func percentile(samples []time.Duration, q float64) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	slices.Sort(samples)
	i := int(math.Ceil(q*float64(len(samples)))) - 1
	return samples[max(0, min(i, len(samples)-1))]
}

// spread is a figure repeated over rounds: its median with min and max.
type spread struct {
	Median, Min, Max float64
	N                int
}

// summarize reduces per-round values to their spread; NaNs are ignored.
func summarize(values []float64) spread {
	var v []float64
	for _, x := range values {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return spread{Median: math.NaN(), Min: math.NaN(), Max: math.NaN()}
	}
	slices.Sort(v)
	med := v[len(v)/2]
	if len(v)%2 == 0 {
		med = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return spread{Median: med, Min: v[0], Max: v[len(v)-1], N: len(v)}
}

// ok reports whether the spread holds at least one value.
func (s spread) ok() bool { return s.N > 0 }

// ms converts a duration to float milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// format renders the spread with a unit and precision, e.g. "0.31 ms (0.28–0.40)".
func (s spread) format(unit string, prec int) string {
	if !s.ok() {
		return "—"
	}
	if s.N == 1 {
		return fmt.Sprintf("%.*f %s", prec, s.Median, unit)
	}
	return fmt.Sprintf("%.*f %s (%.*f–%.*f)", prec, s.Median, unit, prec, s.Min, prec, s.Max)
}

// msf renders a spread of milliseconds with a precision that suits its size.
func (s spread) msf() string {
	switch {
	case !s.ok():
		return "—"
	case s.Median < 10:
		return s.format("ms", 3)
	case s.Median < 100:
		return s.format("ms", 1)
	}
	return s.format("ms", 0)
}

// ratio renders a spread of ratios, e.g. "0.62× (0.55–0.70)".
func (s spread) ratio() string {
	if !s.ok() {
		return "—"
	}
	if s.N == 1 {
		return fmt.Sprintf("%.2f×", s.Median)
	}
	return fmt.Sprintf("%.2f× (%.2f–%.2f)", s.Median, s.Min, s.Max)
}

// ratios divides a by b round by round (rounds measured side by side).
func ratios(a, b []float64) []float64 {
	var out []float64
	for i := range min(len(a), len(b)) {
		if b[i] > 0 && !math.IsNaN(a[i]) && !math.IsNaN(b[i]) {
			out = append(out, a[i]/b[i])
		}
	}
	return out
}
