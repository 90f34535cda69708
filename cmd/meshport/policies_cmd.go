package main

import (
	"context"
	"errors"
	"io"
)

// policiesCmd: meshport policies export | apply (stub until it lands).
func policiesCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("not yet")
}
