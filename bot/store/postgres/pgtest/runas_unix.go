//go:build unix

package pgtest

import (
	"os"
	"os/exec"
	"syscall"
)

// runAs is the user the server's commands run as: initdb refuses root.
type runAs struct {
	uid, gid int
	other    bool // not this process's user
}

func (r runAs) apply(c *exec.Cmd) {
	if r.other {
		c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(r.uid), Gid: uint32(r.gid)}}
	}
}

func (r runAs) chown(dir string) error {
	if !r.other {
		return nil
	}
	return os.Chown(dir, r.uid, r.gid)
}
