package tts

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// Sound is decoded mono 16-bit PCM.
type Sound struct {
	Rate     int
	Channels int
	Samples  []int16 // the first channel only
}

// ReadWAV decodes a PCM WAV file.
func ReadWAV(path string) (Sound, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Sound{}, err
	}
	return DecodeWAV(b)
}

// DecodeWAV reads a 16-bit PCM RIFF file, keeping its first channel.
// espeak-ng writes its data chunk size as 0x7fffffff when streaming to a
// pipe, so the data runs to the end of the input whatever it claims.
func DecodeWAV(b []byte) (Sound, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return Sound{}, errors.New("wav: not a RIFF WAVE file")
	}
	var s Sound
	bits := 0
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		body := b[p+8:]
		switch id {
		case "fmt ":
			if len(body) < 16 || binary.LittleEndian.Uint16(body[0:2]) != 1 {
				return Sound{}, errors.New("wav: not PCM")
			}
			s.Channels = int(binary.LittleEndian.Uint16(body[2:4]))
			s.Rate = int(binary.LittleEndian.Uint32(body[4:8]))
			bits = int(binary.LittleEndian.Uint16(body[14:16]))
		case "data":
			if bits != 16 || s.Channels < 1 {
				return Sound{}, fmt.Errorf("wav: %d-bit, %d channels: want 16-bit PCM", bits, s.Channels)
			}
			body = body[:min(size, len(body))]
			frame := 2 * s.Channels
			s.Samples = make([]int16, len(body)/frame)
			for i := range s.Samples {
				s.Samples[i] = int16(binary.LittleEndian.Uint16(body[i*frame:]))
			}
			return s, nil
		}
		p += 8 + size + size%2
	}
	return Sound{}, errors.New("wav: no data chunk")
}

// EncodeWAV writes mono 16-bit PCM as a WAV file.
func EncodeWAV(pcm []int16, rate int) []byte {
	n := len(pcm) * 2
	b := make([]byte, 44+n)
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1) // PCM
	binary.LittleEndian.PutUint16(b[22:], 1) // mono
	binary.LittleEndian.PutUint32(b[24:], uint32(rate))
	binary.LittleEndian.PutUint32(b[28:], uint32(rate*2))
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(n))
	for i, v := range pcm {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(v))
	}
	return b
}

// PCMBytes is pcm as little-endian bytes, the form the RTP encoder reads.
func PCMBytes(pcm []int16) []byte {
	b := make([]byte, 2*len(pcm))
	for i, v := range pcm {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	return b
}
