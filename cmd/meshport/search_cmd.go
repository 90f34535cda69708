package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/meshport/meshport/models"
)

const searchUsage = `usage: meshport search reindex [--database-url URL]`

// searchCmd is "meshport search reindex": rebuild the search index. The
// writes keep it current; this repairs it. It opens only the database.
func searchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "reindex" {
		return errors.New(searchUsage)
	}
	var cfg Config
	fs := newFlagSet("search reindex", stderr)
	registerConfig(fs, &cfg)
	if err := parseConfig(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q\n%s", fs.Arg(0), searchUsage)
	}
	store, err := openMigrated(ctx, cfg, cfg.storeOptions(nil, models.SourcePolicy{}, nil))
	if err != nil {
		return err
	}
	defer store.Close()
	n, err := store.Reindex(ctx)
	if err != nil {
		return errors.New(describeError(err))
	}
	fmt.Fprintf(stdout, "search index rebuilt: %d entries\n", n)
	return nil
}
