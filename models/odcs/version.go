package odcs

import (
	"fmt"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// SuggestVersion returns old with the bump applied (1.4.2 + minor =
// 1.5.0), "" when old is not a version. A leading "v" is kept. Versions
// 0.x are bumped like the others: a breaking change of 0.3.0 gives 1.0.0.
func SuggestVersion(old, bump string) string {
	v, err := semver.NewVersion(old)
	if err != nil {
		return ""
	}
	var n semver.Version
	switch bump {
	case Major:
		n = v.IncMajor()
	case Minor:
		n = v.IncMinor()
	case Patch:
		n = v.IncPatch()
	default:
		return old
	}
	if strings.HasPrefix(old, "v") {
		return "v" + n.String()
	}
	return n.String()
}

// CheckVersion tells whether newVersion may follow oldVersion for changes
// that need bump (see Comparison.RequiredBump): it must be valid semver
// (a leading "v" allowed), greater than oldVersion (equal is allowed when
// bump is "", nothing changed), and at least the bump. A pre-release of
// the needed version (2.0.0-rc.1) counts as that version.
func CheckVersion(oldVersion, newVersion, bump string) error {
	return checkVersion(oldVersion, newVersion, bump, "")
}

// CheckVersion is CheckVersion for these changes, naming the change that
// needs the bump in its message.
func (cmp Comparison) CheckVersion(oldVersion, newVersion string) error {
	f := cmp.first()
	return checkVersion(oldVersion, newVersion, f.Bump, f.Detail)
}

func checkVersion(oldVersion, newVersion, bump, detail string) error {
	nv, err := semver.StrictNewVersion(strings.TrimPrefix(newVersion, "v"))
	if err != nil {
		return fmt.Errorf("version %q is not a semantic version (such as 1.2.0)", newVersion)
	}
	ov, err := semver.NewVersion(oldVersion)
	if err != nil {
		// Nothing to compare with (a first version, or an old one that is
		// not semver): any valid version goes.
		return nil
	}
	if nv.Equal(ov) && bump == "" {
		return nil
	}
	need := SuggestVersion(oldVersion, bump)
	if !nv.GreaterThan(ov) {
		if bump != "" && need != "" {
			return fmt.Errorf("version %s must be greater than the current version %s: this change needs %s or later", newVersion, oldVersion, need)
		}
		return fmt.Errorf("version %s must be greater than the current version %s", newVersion, oldVersion)
	}
	nd, err := semver.NewVersion(need)
	if err != nil || bump == "" {
		return nil
	}
	core, _ := nv.SetPrerelease("")
	core, _ = core.SetMetadata("")
	if !core.LessThan(nd) {
		return nil
	}
	why := map[string]string{Major: "is a breaking change", Minor: "changes what the contract promises", Patch: "changes its documentation"}[bump]
	if detail != "" {
		return fmt.Errorf("%s: that %s, the version must go to %s or later", detail, why, need)
	}
	return fmt.Errorf("the changes need a %s version: the version must go to %s or later", bump, need)
}
