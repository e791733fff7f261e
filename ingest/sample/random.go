package sample

import (
	"math"
	"math/rand/v2"
)

// stream is a reusable PCG generator. Reseeding it for each thing drawn
// (keyed by a hash of what the thing is) makes every figure independent of
// the order things are drawn in and of which councils are written.
type stream struct {
	pcg rand.PCG
	r   *rand.Rand
}

func newStream() *stream {
	s := &stream{}
	s.r = rand.New(&s.pcg)
	return s
}

// at reseeds the stream for key and returns it.
func (s *stream) at(seed, key uint64) *rand.Rand {
	s.pcg.Seed(seed, mix(key^0x5851f42d4c957f2d))
	return s.r
}

// key hashes strings (FNV-1a, then a finaliser) into a stream key.
func key(parts ...string) uint64 {
	h := uint64(14695981039346656037)
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			h ^= uint64(p[i])
			h *= 1099511628211
		}
		h ^= 0xff
		h *= 1099511628211
	}
	return mix(h)
}

// with combines a key with a number, such as a period's index.
func with(k uint64, n int64) uint64 { return mix(k ^ mix(uint64(n)+0x9e3779b97f4a7c15)) }

// mix is the SplitMix64 finaliser.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// lognormal returns exp(sigma x N(0,1)), a multiplicative spread around 1.
func lognormal(r *rand.Rand, sigma float64) float64 { return math.Exp(sigma * r.NormFloat64()) }

// binomial draws the number of successes in n trials of probability p:
// exactly for small n, through the Poisson for rare events and through
// the normal approximation for large counts.
func binomial(r *rand.Rand, n int64, p float64) int64 {
	switch {
	case n <= 0 || p <= 0:
		return 0
	case p >= 1:
		return n
	case p > 0.5:
		return n - binomial(r, n, 1-p)
	case n <= 40:
		var k int64
		for range n {
			if r.Float64() < p {
				k++
			}
		}
		return k
	}
	mean := float64(n) * p
	if mean < 25 {
		return min(poisson(r, mean), n)
	}
	k := int64(math.Round(mean + math.Sqrt(mean*(1-p))*r.NormFloat64()))
	return max(0, min(k, n))
}

// poisson draws a Poisson count with mean lambda: by multiplication of
// uniforms for small means, the normal approximation for large ones.
func poisson(r *rand.Rand, lambda float64) int64 {
	if lambda <= 0 {
		return 0
	}
	if lambda < 30 {
		limit := math.Exp(-lambda)
		var k int64
		for prod := r.Float64(); prod > limit; prod *= r.Float64() {
			k++
		}
		return k
	}
	return max(0, int64(math.Round(lambda+math.Sqrt(lambda)*r.NormFloat64())))
}

func logit(p float64) float64 { return math.Log(p / (1 - p)) }

func invLogit(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
