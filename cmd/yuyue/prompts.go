package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"yuyue/ivr"
)

func promptsCmd(g *globals, e env) *cobra.Command {
	cmd := &cobra.Command{Use: "prompts", Short: "Speech of the SIP front end", Args: cobra.NoArgs, RunE: showHelp}
	cmd.AddCommand(promptsRenderCmd(g, e))
	return cmd
}

// promptsRenderCmd fills tts.cache_dir ahead of the first call: every
// clause the IVR can say with this catalog (ivr.SpeechCatalog), in both
// languages, through the configured tts.provider. What is cached already
// is not rendered again, so it can run on every deployment.
func promptsRenderCmd(g *globals, e env) *cobra.Command {
	return &cobra.Command{
		Use:   "render",
		Short: "Render every prompt the catalog can produce into tts.cache_dir",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := open(cmd.Context(), g, e)
			if err != nil {
				return err
			}
			defer d.Close()
			c := d.cfg
			cache := ttsCache(c)
			n := 0
			for lang, voice := range map[string]string{ivr.LangZH: c.TTS.Voice, ivr.LangEN: c.TTS.ENVoice} {
				for _, clause := range ivr.SpeechCatalog(d.svc, lang) {
					if _, err := cache.Render(cmd.Context(), voice, clause); err != nil {
						return fmt.Errorf("tts.provider %s, voice %s: %w", c.TTS.Provider, voice, err)
					}
					n++
				}
			}
			fmt.Fprintf(e.stdout, "%d prompt clauses rendered or already cached in %s\n", n, cache.Dir)
			return nil
		},
	}
}
