package store_test

import (
	"testing"

	"github.com/summitbot/summitbot/bot/store"
	"github.com/summitbot/summitbot/bot/store/storetest"
)

func TestMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return store.NewMemory() })
}
