package models

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// SourcePolicy is what an operator lets registered sources reach. Anyone who may
// register a source chooses its host or path, so without a policy the
// portal could be made to probe its own machine, the cloud metadata service
// or files beside it.
type SourcePolicy struct {
	// AllowLoopback lets sources on this machine through
	// (MESHPORT_SOURCES_ALLOW_LOOPBACK, for local use and tests).
	AllowLoopback bool
	// FileRoots are the directories under which SQLite files and file
	// trees may be registered (MESHPORT_SOURCES_FILE_ROOTS); none means
	// file-based sources are refused.
	FileRoots []string
}

// metadataAddrs are cloud metadata and host-agent endpoints that are not
// link-local and so need naming (AWS IPv6, Alibaba, Azure wire server).
var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("fd00:ec2::254"),
	netip.MustParseAddr("100.100.100.200"),
	netip.MustParseAddr("168.63.129.16"),
}

// CheckAddr refuses addresses sources may not use: unspecified, multicast,
// link-local (which includes 169.254.169.254, the metadata service), known
// metadata endpoints, and loopback unless allowed.
func (p SourcePolicy) CheckAddr(ip netip.Addr) error {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid() || ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast():
		return fmt.Errorf("address %s is not a host", ip)
	case ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast():
		return fmt.Errorf("address %s is link-local (this includes cloud metadata services)", ip)
	case ip.IsLoopback() && !p.AllowLoopback:
		return fmt.Errorf("address %s is this machine (loopback); an operator can allow it with MESHPORT_SOURCES_ALLOW_LOOPBACK=true", ip)
	}
	for _, m := range metadataAddrs {
		if ip == m {
			return fmt.Errorf("address %s is a cloud metadata service", ip)
		}
	}
	return nil
}

// CheckHost resolves host and refuses it if any of its addresses is refused,
// so that the person registering the source learns it at once.
func (p SourcePolicy) CheckHost(ctx context.Context, host string) error {
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return p.policyError(host, p.CheckAddr(ip))
	}
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return p.policyError(host, p.CheckAddr(netip.MustParseAddr("127.0.0.1")))
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return &SourceError{Reason: FailureUnreachable, Message: fmt.Sprintf("The host %q could not be found (DNS).", host), Err: err}
	}
	for _, a := range addrs {
		if err := p.CheckAddr(a); err != nil {
			return p.policyError(host, err)
		}
	}
	return nil
}

func (p SourcePolicy) policyError(host string, err error) error {
	if err == nil {
		return nil
	}
	return &SourceError{Reason: FailurePolicy, Message: fmt.Sprintf("The host %q is not allowed for sources: %v.", host, err), Err: err}
}

// Dialer connects only to allowed addresses. The check runs on the address
// actually dialled, after name resolution, so a name that resolves to an
// allowed address when registered and to a refused one later (DNS
// rebinding) is still refused.
func (p SourcePolicy) Dialer(timeout time.Duration) *net.Dialer {
	return &net.Dialer{
		Timeout: timeout,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("dial %s: %w", address, err)
			}
			if err := p.CheckAddr(ap.Addr()); err != nil {
				return &SourceError{Reason: FailurePolicy, Message: "The source's address is not allowed: " + err.Error() + ".", Err: err}
			}
			return nil
		},
	}
}

// CheckPath resolves path (symlinks included) and returns it when it lies
// under one of the file roots.
func (p SourcePolicy) CheckPath(path string) (string, error) {
	if len(p.FileRoots) == 0 {
		return "", &SourceError{Reason: FailurePolicy,
			Message: "File and SQLite sources are switched off: an operator allows them under chosen folders with MESHPORT_SOURCES_FILE_ROOTS."}
	}
	if !filepath.IsAbs(path) {
		return "", &SourceError{Reason: FailureInvalid, Message: fmt.Sprintf("The path %q must be absolute.", path)}
	}
	// Containment is checked before the path is looked at, so a path outside
	// the roots says nothing about whether it exists.
	outside := &SourceError{Reason: FailurePolicy, Message: fmt.Sprintf("The path %q is outside the folders the operator allows for sources (MESHPORT_SOURCES_FILE_ROOTS).", path)}
	if !p.underRoot(filepath.Clean(path), false) {
		return "", outside
	}
	real, err := filepath.EvalSymlinks(filepath.Clean(path))
	if err != nil {
		if os.IsNotExist(err) {
			return "", &SourceError{Reason: FailureNoDatabase, Message: fmt.Sprintf("The path %q does not exist.", path), Err: err}
		}
		return "", &SourceError{Reason: FailurePermission, Message: fmt.Sprintf("The path %q cannot be read.", path), Err: err}
	}
	if !p.underRoot(real, true) { // a symlink inside pointing outside
		return "", outside
	}
	return real, nil
}

// underRoot reports whether path lies in one of the file roots; resolved
// compares against the roots with their symlinks resolved.
func (p SourcePolicy) underRoot(path string, resolved bool) bool {
	for _, root := range p.FileRoots {
		root = filepath.Clean(root)
		if resolved {
			r, err := filepath.EvalSymlinks(root)
			if err != nil {
				continue
			}
			root = r
		}
		if rel, err := filepath.Rel(root, path); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return true
		}
	}
	return false
}
