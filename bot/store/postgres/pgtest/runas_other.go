//go:build !unix

package pgtest

import "os/exec"

type runAs struct {
	uid, gid int
	other    bool
}

func (runAs) apply(*exec.Cmd) {}

func (runAs) chown(string) error { return nil }
