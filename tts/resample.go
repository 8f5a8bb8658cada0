package tts

import "math"

// Resample converts mono PCM from one rate to another. Going down it first
// low-passes below the new Nyquist frequency with a windowed-sinc filter,
// else espeak's 22 kHz hiss folds back into the telephone band as noise.
func Resample(in []int16, from, to int) []int16 {
	if from == to || len(in) == 0 {
		return append([]int16(nil), in...)
	}
	src := in
	if to < from {
		src = lowPass(in, float64(to)/2/float64(from)*0.9)
	}
	n := int(int64(len(src)) * int64(to) / int64(from))
	out := make([]int16, n)
	step := float64(from) / float64(to)
	for i := range out {
		x := float64(i) * step
		j := int(x)
		f := x - float64(j)
		a := float64(src[j])
		b := a
		if j+1 < len(src) {
			b = float64(src[j+1])
		}
		out[i] = clamp(a + (b-a)*f)
	}
	return out
}

// lowPass filters with a Hann-windowed sinc; cutoff is a fraction of the
// sample rate.
func lowPass(in []int16, cutoff float64) []int16 {
	const taps = 63
	h := make([]float64, taps)
	sum := 0.0
	for i := range h {
		m := float64(i - taps/2)
		v := 2 * cutoff
		if m != 0 {
			v = math.Sin(2*math.Pi*cutoff*m) / (math.Pi * m)
		}
		v *= 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(taps-1))
		h[i], sum = v, sum+v
	}
	out := make([]int16, len(in))
	for i := range in {
		acc := 0.0
		for k, c := range h {
			if j := i + k - taps/2; j >= 0 && j < len(in) {
				acc += c * float64(in[j])
			}
		}
		out[i] = clamp(acc / sum)
	}
	return out
}

func clamp(v float64) int16 {
	return int16(max(-32768, min(32767, math.Round(v))))
}
