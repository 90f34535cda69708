package connectors

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meshport/meshport/models"
)

var filesBase = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// writeSized creates root/rel with size bytes and the given mtime (atime
// equal to it, as when a file is written and not read since).
func writeSized(t *testing.T, root, rel string, size int, mtime time.Time) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// filesTree is the tree most file tests read:
//
//	sales/2024/a.csv 100 B, b.csv 250 B; sales/2023/c.csv 50 B
//	logs/x.log 10 B; logs/tmp/y.tmp 20 B
//	readme.txt 5 B; empty/ (no files)
func filesTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	writeSized(t, root, "sales/2024/a.csv", 100, filesBase.Add(1*time.Hour))
	writeSized(t, root, "sales/2024/b.csv", 250, filesBase.Add(3*time.Hour))
	writeSized(t, root, "sales/2023/c.csv", 50, filesBase)
	writeSized(t, root, "logs/x.log", 10, filesBase.Add(2*time.Hour))
	writeSized(t, root, "logs/tmp/y.tmp", 20, filesBase.Add(5*time.Hour))
	writeSized(t, root, "readme.txt", 5, filesBase.Add(4*time.Hour))
	if err := os.Mkdir(filepath.Join(root, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

type wantDataset struct {
	size, files int64
	modified    time.Time // zero: nil
}

func crawlFiles(t *testing.T, s models.SourceSettings, p models.SourcePolicy) *models.CrawlSnapshot {
	t.Helper()
	s.Kind = models.KindFiles
	c, err := Open(s, p)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer c.Close()
	snap, err := c.Crawl(context.Background(), nil)
	if err != nil {
		t.Fatalf("Crawl: %v", err)
	}
	return snap
}

// checkDatasets compares the snapshot's datasets, in order, with want.
func checkDatasets(t *testing.T, snap *models.CrawlSnapshot, names []string, want map[string]wantDataset) {
	t.Helper()
	var got []string
	for _, o := range snap.Assets {
		got = append(got, o.Name)
	}
	if strings.Join(got, "|") != strings.Join(names, "|") {
		t.Fatalf("datasets = %q, want %q", got, names)
	}
	for _, o := range snap.Assets {
		w := want[o.Name]
		if o.Kind != models.AssetFileDataset || o.Schema != "" || o.Key() != o.Name {
			t.Errorf("%s: kind %q schema %q key %q, want a file dataset with no schema", o.Name, o.Kind, o.Schema, o.Key())
		}
		if o.SizeBytes == nil || *o.SizeBytes != w.size {
			t.Errorf("%s: size %v, want %d", o.Name, intOrNil(o.SizeBytes), w.size)
		}
		if o.FileCount == nil || *o.FileCount != w.files {
			t.Errorf("%s: files %v, want %d", o.Name, intOrNil(o.FileCount), w.files)
		}
		switch {
		case w.modified.IsZero() && o.LastModified != nil:
			t.Errorf("%s: last modified %v, want none", o.Name, *o.LastModified)
		case !w.modified.IsZero() && (o.LastModified == nil || !o.LastModified.Equal(w.modified)):
			t.Errorf("%s: last modified %v, want %v", o.Name, o.LastModified, w.modified)
		}
		if o.RowEstimate != nil || o.Columns != nil || o.Reads != nil {
			t.Errorf("%s: rows, columns or reads set for a file dataset", o.Name)
		}
	}
}

func intOrNil(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestFilesTopLevelDatasets(t *testing.T) {
	t.Parallel()
	root := filesTree(t)
	p := models.SourcePolicy{FileRoots: []string{root}}
	var calls []int
	c, err := Open(models.SourceSettings{Kind: models.KindFiles, DSN: root}, p)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := c.Crawl(context.Background(), func(n int) { calls = append(calls, n) })
	if err != nil {
		t.Fatal(err)
	}
	checkDatasets(t, snap, []string{"empty", "logs", "readme.txt", "sales"}, map[string]wantDataset{
		"empty":      {0, 0, time.Time{}},
		"logs":       {30, 2, filesBase.Add(5 * time.Hour)},
		"readme.txt": {5, 1, filesBase.Add(4 * time.Hour)},
		"sales":      {400, 3, filesBase.Add(3 * time.Hour)},
	})
	if len(calls) == 0 || calls[len(calls)-1] != 4 {
		t.Errorf("progress calls %v, want the last to be 4", calls)
	}
	if snap.CountersEpoch != "" {
		t.Errorf("CountersEpoch = %q, want none for files", snap.CountersEpoch)
	}

	res, err := c.Test(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	real, _ := filepath.EvalSymlinks(root)
	if want := "Found 4 datasets, 6 files, 435 B under " + real + ";"; !strings.HasPrefix(res.Summary, want) {
		t.Errorf("summary %q, want it to start with %q", res.Summary, want)
	}
	if res.Assets != 4 {
		t.Errorf("Test assets = %d, want 4", res.Assets)
	}
}

func TestFilesExcludes(t *testing.T) {
	t.Parallel()
	root := filesTree(t)
	p := models.SourcePolicy{FileRoots: []string{root}}
	snap := crawlFiles(t, models.SourceSettings{DSN: root, Exclude: []string{"**/*.tmp", "readme.txt"}}, p)
	checkDatasets(t, snap, []string{"empty", "logs", "sales"}, map[string]wantDataset{
		"empty": {0, 0, time.Time{}},
		"logs":  {10, 1, filesBase.Add(2 * time.Hour)},
		"sales": {400, 3, filesBase.Add(3 * time.Hour)},
	})
	// A folder excluded at the top is no dataset; one excluded below
	// takes its files out of its dataset.
	snap = crawlFiles(t, models.SourceSettings{DSN: root, Exclude: []string{"logs", "sales/2024"}}, p)
	checkDatasets(t, snap, []string{"empty", "readme.txt", "sales"}, map[string]wantDataset{
		"empty":      {0, 0, time.Time{}},
		"readme.txt": {5, 1, filesBase.Add(4 * time.Hour)},
		"sales":      {50, 1, filesBase},
	})
}

func TestFilesIncludeGlobs(t *testing.T) {
	t.Parallel()
	root := filesTree(t)
	p := models.SourcePolicy{FileRoots: []string{root}}
	s := models.SourceSettings{Kind: models.KindFiles, DSN: root, Include: []string{"sales/2024/*.csv", "**/*.csv", "logs", "nothing/*"}}
	snap := crawlFiles(t, s, p)
	checkDatasets(t, snap, s.Include, map[string]wantDataset{
		"sales/2024/*.csv": {350, 2, filesBase.Add(3 * time.Hour)},
		"**/*.csv":         {400, 3, filesBase.Add(3 * time.Hour)},
		"logs":             {30, 2, filesBase.Add(5 * time.Hour)},
		"nothing/*":        {0, 0, time.Time{}},
	})
	c, err := Open(s, p)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Test(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// a, b and c are in two datasets but counted once.
	if !strings.HasPrefix(res.Summary, "Found 4 datasets, 5 files, 430 B under ") {
		t.Errorf("summary %q", res.Summary)
	}

	s.Include, s.Exclude = []string{"**/*.csv"}, []string{"sales/2023"}
	snap = crawlFiles(t, s, p)
	checkDatasets(t, snap, s.Include, map[string]wantDataset{"**/*.csv": {350, 2, filesBase.Add(3 * time.Hour)}})

	s.Include, s.Exclude = []string{"sales/*"}, nil
	snap = crawlFiles(t, s, p)
	checkDatasets(t, snap, s.Include, map[string]wantDataset{"sales/*": {400, 3, filesBase.Add(3 * time.Hour)}})
}

func TestFilesChangesBetweenCrawls(t *testing.T) {
	t.Parallel()
	root := filesTree(t)
	p := models.SourcePolicy{FileRoots: []string{root}}
	c, err := Open(models.SourceSettings{Kind: models.KindFiles, DSN: root}, p)
	if err != nil {
		t.Fatal(err)
	}
	first, err := c.Crawl(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Assets) != 4 {
		t.Fatalf("first crawl: %d datasets, want 4", len(first.Assets))
	}
	if err := os.RemoveAll(filepath.Join(root, "logs")); err != nil {
		t.Fatal(err)
	}
	later := filesBase.Add(10 * time.Hour)
	if err := os.Chtimes(filepath.Join(root, "sales/2024/a.csv"), later, later); err != nil {
		t.Fatal(err)
	}
	writeSized(t, root, "sales/2025/d.csv", 7, filesBase)
	second, err := c.Crawl(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkDatasets(t, second, []string{"empty", "readme.txt", "sales"}, map[string]wantDataset{
		"empty":      {0, 0, time.Time{}},
		"readme.txt": {5, 1, filesBase.Add(4 * time.Hour)},
		"sales":      {407, 4, later},
	})
}

func TestFilesSymlinksNotFollowed(t *testing.T) {
	t.Parallel()
	root := filesTree(t)
	outside := t.TempDir()
	writeSized(t, outside, "secret/big.bin", 5000, filesBase)
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret/big.bin"), filepath.Join(root, "sales/2024/big.csv")); err != nil {
		t.Fatal(err)
	}
	p := models.SourcePolicy{FileRoots: []string{root}}
	snap := crawlFiles(t, models.SourceSettings{DSN: root}, p)
	checkDatasets(t, snap, []string{"empty", "logs", "readme.txt", "sales"}, map[string]wantDataset{
		"empty":      {0, 0, time.Time{}},
		"logs":       {30, 2, filesBase.Add(5 * time.Hour)},
		"readme.txt": {5, 1, filesBase.Add(4 * time.Hour)},
		"sales":      {400, 3, filesBase.Add(3 * time.Hour)},
	})
	// Registering the link itself is refused: it resolves outside the root.
	_, err := Open(models.SourceSettings{Kind: models.KindFiles, DSN: filepath.Join(root, "link")}, p)
	checkReason(t, err, models.FailurePolicy)
}

func TestFilesPolicyAndBadPaths(t *testing.T) {
	t.Parallel()
	root := filesTree(t)
	other := t.TempDir()
	p := models.SourcePolicy{FileRoots: []string{root}}
	_, err := Open(models.SourceSettings{Kind: models.KindFiles, DSN: other}, p)
	checkReason(t, err, models.FailurePolicy)
	_, err = Open(models.SourceSettings{Kind: models.KindFiles, DSN: root}, models.SourcePolicy{})
	checkReason(t, err, models.FailurePolicy)
	_, err = Open(models.SourceSettings{Kind: models.KindFiles, DSN: filepath.Join(root, "..", filepath.Base(other))}, p)
	checkReason(t, err, models.FailurePolicy)
	_, err = Open(models.SourceSettings{Kind: models.KindFiles, DSN: "relative/dir"}, p)
	checkReason(t, err, models.FailureInvalid)
	_, err = Open(models.SourceSettings{Kind: models.KindFiles, DSN: filepath.Join(root, "missing")}, p)
	checkReason(t, err, models.FailureNoDatabase)
	_, err = Open(models.SourceSettings{Kind: models.KindFiles, DSN: filepath.Join(root, "readme.txt")}, p)
	checkReason(t, err, models.FailureInvalid)
	_, err = Open(models.SourceSettings{Kind: models.KindFiles, DSN: root, Include: []string{"[bad"}}, p)
	checkReason(t, err, models.FailureInvalid)
	// A subfolder of a root is fine.
	if _, err := Open(models.SourceSettings{Kind: models.KindFiles, DSN: filepath.Join(root, "sales")}, p); err != nil {
		t.Errorf("subfolder of a root: %v", err)
	}
	// The folder vanishing after Open is told plainly on Crawl.
	c, err := Open(models.SourceSettings{Kind: models.KindFiles, DSN: filepath.Join(root, "logs")}, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(root, "logs")); err != nil {
		t.Fatal(err)
	}
	_, err = c.Crawl(context.Background(), nil)
	checkReason(t, err, models.FailureNoDatabase)
}

func TestFilesCancelStopsWalk(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for i := 0; i < 3*filesProgressEvery; i++ {
		writeSized(t, root, "many/f"+strconv.Itoa(i), 1, filesBase)
	}
	c, err := Open(models.SourceSettings{Kind: models.KindFiles, DSN: root}, models.SourcePolicy{FileRoots: []string{root}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	_, err = c.Crawl(ctx, func(int) {
		calls++
		cancel()
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Crawl after cancel: %v, want context.Canceled", err)
	}
	var ce *models.SourceError
	if !errors.As(err, &ce) {
		t.Fatalf("error %T is not *models.SourceError", err)
	}
	// Cancelled at the first progress call (1000 files), the walk must stop
	// before reaching the next one.
	if calls != 1 {
		t.Errorf("progress called %d times, want 1: the walk went on after the cancel", calls)
	}

	// A context already done fails at once, even on a small tree.
	small := filesTree(t)
	c, err = Open(models.SourceSettings{Kind: models.KindFiles, DSN: small}, models.SourcePolicy{FileRoots: []string{small}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := c.Crawl(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Crawl with a done context: %v", err)
	}
}

func TestFilesLastReadFromAtime(t *testing.T) {
	t.Parallel()
	root := filesTree(t)
	read := filesBase.Add(30 * time.Hour)
	// a.csv read after its last change; c.csv's atime is before its
	// mtime (no read since it changed); the rest have atime == mtime.
	if err := os.Chtimes(filepath.Join(root, "sales/2024/a.csv"), read, filesBase.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Join(root, "sales/2023/c.csv"), filesBase.Add(-time.Hour), filesBase); err != nil {
		t.Fatal(err)
	}
	real, _ := filepath.EvalSymlinks(root)
	b, err := os.ReadFile(mountinfoPath)
	if err != nil {
		t.Skipf("no %s on this system: %v", mountinfoPath, err)
	}
	mode, _ := atimeMode(string(b), real)
	snap := crawlFiles(t, models.SourceSettings{DSN: root}, models.SourcePolicy{FileRoots: []string{root}})
	byName := map[string]models.ObservedAsset{}
	for _, o := range snap.Assets {
		byName[o.Name] = o
	}
	t.Logf("mount of %s records access times as %q", real, mode)
	switch mode {
	case "relatime", "strictatime":
		if !snap.UsageKnown {
			t.Fatalf("UsageKnown false on a %s mount (note %q)", mode, snap.UsageNote)
		}
		if got := byName["sales"].LastRead; got == nil || !got.Equal(read) {
			t.Errorf("sales last read %v, want %v", got, read)
		}
		for _, name := range []string{"logs", "readme.txt", "empty"} {
			if got := byName[name].LastRead; got != nil {
				t.Errorf("%s last read %v, want none (atime is not after mtime)", name, *got)
			}
		}
		if mode == "relatime" && !strings.Contains(snap.UsageNote, "once a day") {
			t.Errorf("relatime note %q does not say access times are updated at most once a day", snap.UsageNote)
		}
	default:
		if snap.UsageKnown || byName["sales"].LastRead != nil {
			t.Errorf("mount %q: UsageKnown %v, last read %v; want unknown", mode, snap.UsageKnown, byName["sales"].LastRead)
		}
		if snap.UsageNote == "" {
			t.Error("no usage note")
		}
	}
}

func TestFilesAtimeMode(t *testing.T) {
	t.Parallel()
	const mountinfo = `21 26 0:20 / /proc rw,relatime - proc proc rw
26 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
40 26 0:50 / /data rw,noatime shared:3 - xfs /dev/vdb rw,attr2
41 40 0:51 / /data/strict rw,nosuid shared:4 - ext4 /dev/vdc rw
42 26 0:52 / /mnt/with\040space rw,nosuid,nodev,relatime - tmpfs tmpfs rw
43 26 0:53 / /ro ro,relatime - ext4 /dev/vdd ro
44 26 0:54 / /over rw,noatime - ext4 /dev/vde rw
45 26 0:55 / /over rw,relatime - nfs4 srv:/export rw
`
	for _, tc := range []struct{ dir, mode, fstype string }{
		{"/home/x", "relatime", "ext4"},
		{"/", "relatime", "ext4"},
		{"/data", "noatime", "xfs"},
		{"/data/sets/a", "noatime", "xfs"},
		{"/data2/x", "relatime", "ext4"}, // not below /data
		{"/data/strict", "strictatime", "ext4"},
		{"/data/strict/deep/er", "strictatime", "ext4"},
		{"/mnt/with space/x", "relatime", "tmpfs"},
		{"/ro/x", "ro", "ext4"},
		{"/over/x", "relatime", "nfs4"}, // the later mount hides the earlier
	} {
		mode, fstype := atimeMode(mountinfo, tc.dir)
		if mode != tc.mode || fstype != tc.fstype {
			t.Errorf("atimeMode(%q) = %q, %q; want %q, %q", tc.dir, mode, fstype, tc.mode, tc.fstype)
		}
	}
	if mode, _ := atimeMode("", "/x"); mode != "" {
		t.Errorf("no mounts: mode %q, want none", mode)
	}
	for _, tc := range []struct {
		mode  string
		known bool
		note  string
	}{
		{"strictatime", true, ""},
		{"relatime", true, "at most once a day (relatime)"},
		{"noatime", false, "the file system does not record access times (noatime)"},
		{"ro", false, "read-only"},
		{"", false, "cannot be told"},
	} {
		known, note := atimeUsage(tc.mode)
		if known != tc.known || !strings.Contains(note, tc.note) || (tc.note == "" && note != "") {
			t.Errorf("atimeUsage(%q) = %v, %q; want %v and a note with %q", tc.mode, known, note, tc.known, tc.note)
		}
	}
}

func TestFilesGlobs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, name string
		want          bool
	}{
		{"sales.*", "sales.orders", true},
		{"sales.*", "crm.orders", false},
		{"*.csv", "a.csv", true},
		{"*.csv", "x/a.csv", false},
		{"**/*.csv", "a.csv", true},
		{"**/*.csv", "x/y/a.csv", true},
		{"**/*.csv", "x/y/a.tsv", false},
		{"sales/**", "sales/2024/a.csv", true},
		{"sales/**", "crm/a.csv", false},
		{"sales/**/a.csv", "sales/a.csv", true},
		{"sales/**/a.csv", "sales/1/2/a.csv", true},
		{"sales/**/a.csv", "sales/1/2/b.csv", false},
		{"**", "anything/at/all", true},
	} {
		if got := matchGlob(tc.pattern, tc.name); got != tc.want {
			t.Errorf("matchGlob(%q, %q) = %v, want %v", tc.pattern, tc.name, got, tc.want)
		}
	}
	if !matchGlobOrParent("sales/*", "sales/2024/a.csv") || matchGlobOrParent("crm/*", "sales/2024/a.csv") {
		t.Error("matchGlobOrParent does not take in files below a matching folder")
	}
	for _, tc := range []struct {
		key              string
		include, exclude []string
		want             bool
	}{
		{"a.b", nil, nil, true},
		{"a.b", []string{"a.*"}, nil, true},
		{"a.b", []string{"c.*"}, nil, false},
		{"a.b", []string{"a.*"}, []string{"a.b"}, false},
		{"a.b", nil, []string{"*.b"}, false},
		{"a.c", nil, []string{"*.b"}, true},
	} {
		if got := keepAsset(tc.key, tc.include, tc.exclude); got != tc.want {
			t.Errorf("keepAsset(%q, %q, %q) = %v, want %v", tc.key, tc.include, tc.exclude, got, tc.want)
		}
	}
	if err := checkAssetGlobs([]string{"ok.*"}, []string{"[bad"}); err == nil {
		t.Error("a bad pattern was accepted")
	}
}

func TestFilesHumanBytes(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{
		0: "0 B", 999: "999 B", 1000: "1.0 kB", 1234: "1.2 kB", 999_999: "1.0 MB",
		1_200_000_000: "1.2 GB", 3_500_000_000_000: "3.5 TB",
	} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// checkReason fails unless err is a *models.SourceError with the reason.
func checkReason(t *testing.T, err error, reason string) *models.SourceError {
	t.Helper()
	var ce *models.SourceError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T), want *models.SourceError with reason %q", err, err, reason)
	}
	if ce.Reason != reason {
		t.Fatalf("reason %q (%s), want %q", ce.Reason, ce.Message, reason)
	}
	if ce.Message == "" {
		t.Fatalf("error with reason %q has no message", reason)
	}
	return ce
}
