// Package tts turns prompt text into telephone audio (8 kHz mono 16-bit
// PCM, ready for G.711) through a provider, and keeps every rendering on
// disk so a prompt is synthesised once, not once per call.
package tts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// Rate is the sample rate of every rendering: G.711's.
const Rate = 8000

// Provider synthesises text in a voice at a speaking speed (percent of the
// voice's normal rate; 100 is normal). It returns PCM samples at any
// sample rate it likes; the cache converts them to Rate.
type Provider interface {
	Name() string
	Synthesize(ctx context.Context, voice, text string, speed int) (samples []int16, rate int, err error)
}

// Normal is the speaking speed of Render: the voice's own.
const Normal = 100

// Cache renders through a provider and keeps the 8 kHz result as a WAV
// file named by provider, voice and text, so a restart or another node on
// the same disk finds it again.
type Cache struct {
	Provider Provider
	Dir      string

	mu       sync.Mutex
	inflight map[string]*sync.WaitGroup
}

// Key names one rendering at normal speed: provider, voice and the text's
// hash.
func (c *Cache) Key(voice, text string) string { return c.KeyAt(voice, text, Normal) }

// KeyAt names one rendering at a speed: a slower reading of a text is
// another file. Normal speed keeps the name it had before speeds existed,
// so a cache on disk stays valid.
func (c *Cache) KeyAt(voice, text string, speed int) string {
	key := c.Provider.Name() + "\x00" + voice + "\x00" + text
	if speed = normalSpeed(speed); speed != Normal {
		key += "\x00speed=" + strconv.Itoa(speed)
	}
	h := sha256.Sum256([]byte(key))
	return c.Provider.Name() + "-" + hex.EncodeToString(h[:12])
}

func normalSpeed(speed int) int {
	if speed <= 0 {
		return Normal
	}
	return speed
}

// Path is where the rendering of text lives (whether or not it exists yet).
func (c *Cache) Path(voice, text string) string { return c.PathAt(voice, text, Normal) }

// PathAt is Path at a speed.
func (c *Cache) PathAt(voice, text string, speed int) string {
	return filepath.Join(c.Dir, c.KeyAt(voice, text, speed)+".wav")
}

// Render returns the 8 kHz samples of text, synthesising them on first use.
func (c *Cache) Render(ctx context.Context, voice, text string) ([]int16, error) {
	return c.RenderAt(ctx, voice, text, Normal)
}

// RenderAt is Render at a speaking speed in percent (0 is normal).
func (c *Cache) RenderAt(ctx context.Context, voice, text string, speed int) ([]int16, error) {
	speed = normalSpeed(speed)
	path := c.PathAt(voice, text, speed)
	if s, err := ReadWAV(path); err == nil {
		return s.Samples, nil
	}
	wait, first := c.claim(path)
	if !first { // another call renders the same text: wait for its file
		wait.Wait()
		if s, err := ReadWAV(path); err == nil {
			return s.Samples, nil
		}
	}
	defer c.release(path, wait, first)
	raw, rate, err := c.Provider.Synthesize(ctx, voice, text, speed)
	if err != nil {
		return nil, fmt.Errorf("tts %s: %w", c.Provider.Name(), err)
	}
	pcm := Resample(raw, rate, Rate)
	return pcm, c.store(path, pcm)
}

func (c *Cache) claim(path string) (*sync.WaitGroup, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inflight == nil {
		c.inflight = map[string]*sync.WaitGroup{}
	}
	if wg, ok := c.inflight[path]; ok {
		return wg, false
	}
	wg := &sync.WaitGroup{}
	wg.Add(1)
	c.inflight[path] = wg
	return wg, true
}

func (c *Cache) release(path string, wg *sync.WaitGroup, first bool) {
	if !first {
		return
	}
	c.mu.Lock()
	delete(c.inflight, path)
	c.mu.Unlock()
	wg.Done()
}

// store writes the file under a temporary name first: a reader never sees
// half a prompt.
func (c *Cache) store(path string, pcm []int16) error {
	if err := os.MkdirAll(c.Dir, 0o750); err != nil {
		return fmt.Errorf("tts cache: %w", err)
	}
	tmp, err := os.CreateTemp(c.Dir, ".render-*")
	if err != nil {
		return fmt.Errorf("tts cache: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(EncodeWAV(pcm, Rate)); err != nil {
		tmp.Close()
		return fmt.Errorf("tts cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("tts cache: %w", err)
	}
	return os.Rename(tmp.Name(), path)
}
