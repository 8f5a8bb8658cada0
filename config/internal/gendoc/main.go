// Command gendoc writes docs/configuration.md from the config package's
// settings table; `go generate ./config` runs it.
package main

import (
	"flag"
	"fmt"
	"os"

	"yuyue/config"
)

func main() {
	out := flag.String("o", "docs/configuration.md", "file to write")
	flag.Parse()
	if err := os.WriteFile(*out, config.Markdown(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gendoc:", err)
		os.Exit(1)
	}
}
