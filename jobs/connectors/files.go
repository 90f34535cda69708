package connectors

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/meshport/meshport/models"
)

// filesCheckEvery is how many walked entries pass between checks of the
// context, so that a cancelled crawl of a large tree stops soon.
const filesCheckEvery = 64

// filesProgressEvery is how many files pass between progress calls.
const filesProgressEvery = 1000

// mountinfoPath is where the kernel lists mounts and their options.
var mountinfoPath = "/proc/self/mountinfo"

// filesConnector reads a directory tree as file datasets.
type filesConnector struct {
	s    models.SourceSettings
	p    models.SourcePolicy
	path string
}

// openFiles checks the folder against the policy; it is walked on Test or
// Crawl.
func openFiles(s models.SourceSettings, p models.SourcePolicy) (Connector, error) {
	if err := checkAssetGlobs(s.Include, s.Exclude); err != nil {
		return nil, err
	}
	dir := strings.TrimSpace(s.DSN)
	if strings.HasPrefix(strings.ToLower(dir), "file://") {
		dir = dir[len("file://"):]
	}
	if dir == "" {
		return nil, &models.SourceError{Reason: models.FailureInvalid, Message: "The file source needs the path of a folder."}
	}
	c := &filesConnector{s: s, p: p, path: dir}
	if _, err := c.resolve(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *filesConnector) resolve() (string, error) {
	real, err := c.p.CheckPath(c.path)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", filesFail(err, real)
	}
	if !fi.IsDir() {
		return "", &models.SourceError{Reason: models.FailureInvalid, Message: fmt.Sprintf("%q is not a folder: a file source is a folder whose files make the datasets.", c.path)}
	}
	return real, nil
}

// fileDataset accumulates the files of one dataset.
type fileDataset struct {
	name     string
	size     int64
	files    int64
	modified time.Time
	read     time.Time
}

func (d *fileDataset) add(fi fs.FileInfo) {
	d.size += fi.Size()
	d.files++
	mtime := fi.ModTime()
	if mtime.After(d.modified) {
		d.modified = mtime
	}
	// A file's atime counts as a read only when it is after the file's
	// last change: creating or writing a file sets its atime too.
	if atime, ok := fileAtime(fi); ok && atime.After(mtime) && atime.After(d.read) {
		d.read = atime
	}
}

// filesWalk is what one walk found.
type filesWalk struct {
	root     string
	datasets []*fileDataset
	files    int64 // distinct files in at least one dataset
	bytes    int64
}

func (c *filesConnector) walk(ctx context.Context, progress func(int)) (*filesWalk, error) {
	root, err := c.resolve()
	if err != nil {
		return nil, err
	}
	w := &filesWalk{root: root}
	top := map[string]*fileDataset{} // without includes: top-level entry -> dataset
	if len(c.s.Include) > 0 {
		for _, g := range c.s.Include {
			w.datasets = append(w.datasets, &fileDataset{name: g})
		}
	}
	topDataset := func(name string) *fileDataset {
		d := top[name]
		if d == nil {
			d = &fileDataset{name: name}
			top[name] = d
			w.datasets = append(w.datasets, d)
		}
		return d
	}
	entries := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		entries++
		if entries%filesCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err != nil {
			if p == root {
				return err
			}
			// A folder or file that cannot be read (or vanished while
			// walking) is left out; the rest is still read.
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p == root {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if excludedPath(rel, c.s.Exclude) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		typ := d.Type()
		if typ&fs.ModeSymlink != 0 {
			return nil // never followed: it could lead out of the root
		}
		isTop := !strings.Contains(rel, "/")
		if d.IsDir() {
			if isTop && len(c.s.Include) == 0 {
				topDataset(rel)
			}
			return nil
		}
		if !typ.IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil // vanished
		}
		in := false
		if len(c.s.Include) == 0 {
			name := rel
			if i := strings.IndexByte(rel, '/'); i >= 0 {
				name = rel[:i]
			}
			topDataset(name).add(fi)
			in = true
		} else {
			for i, g := range c.s.Include {
				if matchGlobOrParent(g, rel) {
					w.datasets[i].add(fi)
					in = true
				}
			}
		}
		if in {
			w.files++
			w.bytes += fi.Size()
			if progress != nil && w.files%filesProgressEvery == 0 {
				progress(len(w.datasets))
			}
		}
		return nil
	})
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, filesFail(err, root)
	}
	if len(c.s.Include) == 0 {
		sort.Slice(w.datasets, func(i, j int) bool { return w.datasets[i].name < w.datasets[j].name })
	}
	return w, nil
}

// Test walks the folder and says what it holds.
func (c *filesConnector) Test(ctx context.Context) (models.ConnectionTest, error) {
	w, err := c.walk(ctx, nil)
	if err != nil {
		return models.ConnectionTest{}, err
	}
	mode, fstype := c.atimeModeOf(w.root)
	_, note := atimeUsage(mode)
	usage := "last reads are known from access times"
	if note != "" {
		usage = note
	}
	datasets := "datasets"
	if len(w.datasets) == 1 {
		datasets = "dataset"
	}
	files := "files"
	if w.files == 1 {
		files = "file"
	}
	return models.ConnectionTest{
		ServerVersion: filesVersion(fstype),
		Summary: fmt.Sprintf("Found %d %s, %d %s, %s under %s; usage: %s.",
			len(w.datasets), datasets, w.files, files, humanBytes(w.bytes), w.root, usage),
		Assets: len(w.datasets),
	}, nil
}

// Crawl walks the folder and returns one observation per dataset.
func (c *filesConnector) Crawl(ctx context.Context, progress func(assets int)) (*models.CrawlSnapshot, error) {
	w, err := c.walk(ctx, progress)
	if err != nil {
		return nil, err
	}
	mode, fstype := c.atimeModeOf(w.root)
	known, note := atimeUsage(mode)
	snap := &models.CrawlSnapshot{ServerVersion: filesVersion(fstype), UsageKnown: known, UsageNote: note}
	for _, d := range w.datasets {
		size, count := d.size, d.files
		o := models.ObservedAsset{Name: d.name, Kind: models.AssetFileDataset, SizeBytes: &size, FileCount: &count}
		if !d.modified.IsZero() {
			t := d.modified.UTC()
			o.LastModified = &t
		}
		if known && !d.read.IsZero() {
			t := d.read.UTC()
			o.LastRead = &t
		}
		snap.Assets = append(snap.Assets, o)
	}
	if progress != nil {
		progress(len(snap.Assets))
	}
	return snap, nil
}

// Close has nothing to release.
func (c *filesConnector) Close() error { return nil }

func filesVersion(fstype string) string {
	if fstype == "" {
		return ""
	}
	return fstype + " file system"
}

func (c *filesConnector) atimeModeOf(root string) (mode, fstype string) {
	b, err := os.ReadFile(mountinfoPath)
	if err != nil {
		return "", ""
	}
	return atimeMode(string(b), root)
}

// atimeMode finds the mount holding dir in mountinfo (the text of
// /proc/self/mountinfo) and says how it records access times: "noatime",
// "relatime", "strictatime", "ro" (a read-only mount records none), or ""
// when no mount holds dir. fstype is the mount's file system type.
func atimeMode(mountinfo, dir string) (mode, fstype string) {
	best := -1
	sc := bufio.NewScanner(strings.NewReader(mountinfo))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		// 36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue
		fields := strings.Fields(sc.Text())
		if len(fields) < 7 {
			continue
		}
		sep := -1
		for i := 6; i < len(fields); i++ {
			if fields[i] == "-" {
				sep = i
				break
			}
		}
		mp := unescapeMountinfo(fields[4])
		if !pathWithin(mp, dir) || len(mp) < best {
			continue
		}
		// Equal length: the later line is a mount over the earlier one.
		best = len(mp)
		fstype = ""
		if sep >= 0 && sep+1 < len(fields) {
			fstype = fields[sep+1]
		}
		// The kernel names relatime and noatime, never strictatime; a
		// read-only mount records no access at all.
		mode = "strictatime"
		opts := "," + fields[5] + ","
		switch {
		case strings.Contains(opts, ",ro,"):
			mode = "ro"
		case strings.Contains(opts, ",noatime,"):
			mode = "noatime"
		case strings.Contains(opts, ",relatime,"):
			mode = "relatime"
		}
	}
	if best < 0 {
		return "", ""
	}
	return mode, fstype
}

// atimeUsage says whether access times tell last reads, and the note.
func atimeUsage(mode string) (known bool, note string) {
	switch mode {
	case "strictatime":
		return true, ""
	case "relatime":
		return true, "the file system updates access times at most once a day (relatime), so a last read is known to within a day"
	case "noatime":
		return false, "the file system does not record access times (noatime)"
	case "ro":
		return false, "the file system is mounted read-only, so it does not record access times"
	}
	return false, "whether the file system records access times cannot be told on this system"
}

// pathWithin says whether dir is mp or below it (slash paths).
func pathWithin(mp, dir string) bool {
	if mp == "/" {
		return strings.HasPrefix(dir, "/")
	}
	return dir == mp || strings.HasPrefix(dir, mp+"/")
}

// unescapeMountinfo undoes the octal escapes (\040 for a space) of
// mountinfo paths.
func unescapeMountinfo(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			oct := s[i+1 : i+4]
			v := 0
			ok := true
			for _, ch := range oct {
				if ch < '0' || ch > '7' {
					ok = false
					break
				}
				v = v*8 + int(ch-'0')
			}
			if ok {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// fileAtime is the access time the file system reports, where it does
// (syscall.Stat_t names it Atim on Linux, Atimespec on the BSDs).
func fileAtime(fi fs.FileInfo) (time.Time, bool) {
	v := reflect.ValueOf(fi.Sys())
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return time.Time{}, false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return time.Time{}, false
	}
	for _, name := range []string{"Atim", "Atimespec"} {
		f := v.FieldByName(name)
		if !f.IsValid() || f.Kind() != reflect.Struct {
			continue
		}
		sec, nsec := f.FieldByName("Sec"), f.FieldByName("Nsec")
		if sec.IsValid() && nsec.IsValid() && sec.CanInt() && nsec.CanInt() {
			return time.Unix(sec.Int(), nsec.Int()), true
		}
	}
	return time.Time{}, false
}

func filesFail(err error, root string) error {
	var ce *models.SourceError
	if errors.As(err, &ce) {
		return ce
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return &models.SourceError{Reason: models.FailureTimeout, Err: err, Message: fmt.Sprintf("Walking %s took longer than allowed.", root)}
	case errors.Is(err, context.Canceled):
		return &models.SourceError{Reason: models.FailureOther, Err: err, Message: "Reading the source was cancelled."}
	case errors.Is(err, os.ErrNotExist):
		return &models.SourceError{Reason: models.FailureNoDatabase, Err: err, Message: fmt.Sprintf("The folder %s does not exist.", root)}
	case errors.Is(err, os.ErrPermission):
		return &models.SourceError{Reason: models.FailurePermission, Err: err, Message: fmt.Sprintf("The portal may not read the folder %s.", root)}
	}
	return &models.SourceError{Reason: models.FailureOther, Err: err, Message: fmt.Sprintf("Reading the folder %s failed.", root)}
}

// humanBytes is a size in decimal units: "512 B", "1.2 GB".
func humanBytes(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	units := []string{"kB", "MB", "GB", "TB", "PB", "EB"}
	v := float64(n)
	u := -1
	for v >= 999.95 && u < len(units)-1 {
		v /= 1000
		u++
	}
	return fmt.Sprintf("%.1f %s", v, units[u])
}

// checkAssetGlobs refuses Include and Exclude patterns path.Match cannot read.
func checkAssetGlobs(include, exclude []string) error {
	for _, list := range [][]string{include, exclude} {
		for _, g := range list {
			if _, err := path.Match(g, ""); err != nil || g == "" {
				return &models.SourceError{Reason: models.FailureInvalid, Err: err, Message: fmt.Sprintf(
					"The filter %q is not a valid pattern: use * for any characters, ? for one, [abc] for a set, and ** for any folders.", g)}
			}
		}
	}
	return nil
}

// keepAsset applies Include and Exclude to an asset key ("schema.name" or
// a relative path): no includes keep everything, and exclude wins.
func keepAsset(key string, include, exclude []string) bool {
	for _, g := range exclude {
		if matchGlob(g, key) {
			return false
		}
	}
	if len(include) == 0 {
		return true
	}
	for _, g := range include {
		if matchGlob(g, key) {
			return true
		}
	}
	return false
}

// matchGlob is path.Match where a "**" segment matches any number of path
// segments, none included: "**/*.csv" matches "a.csv" and "x/y/a.csv".
func matchGlob(pattern, name string) bool {
	if !strings.Contains(pattern, "**") {
		ok, _ := path.Match(pattern, name)
		return ok
	}
	return matchSegments(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegments(ps, ns []string) bool {
	for len(ps) > 0 {
		if ps[0] == "**" {
			for len(ps) > 0 && ps[0] == "**" {
				ps = ps[1:]
			}
			if len(ps) == 0 {
				return true
			}
			for i := 0; i <= len(ns); i++ {
				if matchSegments(ps, ns[i:]) {
					return true
				}
			}
			return false
		}
		if len(ns) == 0 {
			return false
		}
		if ok, _ := path.Match(ps[0], ns[0]); !ok {
			return false
		}
		ps, ns = ps[1:], ns[1:]
	}
	return len(ns) == 0
}

// matchGlobOrParent says whether the glob matches the relative path or one
// of its folders: "sales" and "sales/*" both take in sales/2024/a.csv.
func matchGlobOrParent(pattern, rel string) bool {
	for p := rel; ; {
		if matchGlob(pattern, p) {
			return true
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return false
		}
		p = p[:i]
	}
}

// excludedPath says whether an Exclude glob matches the relative path (its
// folders were checked on the way down).
func excludedPath(rel string, exclude []string) bool {
	for _, g := range exclude {
		if matchGlob(g, rel) {
			return true
		}
	}
	return false
}
