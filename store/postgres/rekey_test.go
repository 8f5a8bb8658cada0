package postgres_test

import (
	"testing"

	"yuyue/store/storetest"
)

// Rekey is refused while another node's lease is live (there is no file
// lease: a node on the old key would fail every ID lookup after the
// commit), and goes ahead once that node has stopped. The key check and
// the rekey itself are in the contract suite (store.TestRekey).
func TestRekeyRefusedWhileAnotherNodeIsLive(t *testing.T) {
	s, peer := pgPair(t)
	storetest.NewEnvOn(t, s).Citizen(t, 7)
	const other = "another-Key-of-32-characters-or-more-9x"
	if _, err := s.Rekey(ctx, other); err == nil {
		t.Fatal("rekey ran while another node was live")
	}
	peer.Close()
	if n, err := s.Rekey(ctx, other); err != nil || n != 1 {
		t.Fatalf("rekey after the other node stopped: %d %v", n, err)
	}
}
