package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/ecrlink/ecrlink/emulator"
)

// watchInterval is how often serve --watch looks at the scenario file.
const watchInterval = time.Second

// scenarioWatcher re-reads a scenario file when it changes and puts it in
// force. It polls the file's modification time and size rather than using
// inotify: in docker compose the file is a bind mount, where an editor on
// the host (or on macOS and Windows, the VM's file sharing) often delivers
// no inotify event inside the container, and an editor that saves by
// rename replaces the inode a watch was put on. One stat a second costs
// nothing.
type scenarioWatcher struct {
	path     string
	interval time.Duration // zero: watchInterval
	apply    func(context.Context, *emulator.Scenario) error
	logger   *slog.Logger

	// stamp and data are what was last read: a change of stamp makes the
	// file be read again, and identical bytes (a touch, a save without
	// edits) are not applied again.
	stamp fileStamp
	data  []byte
	// gone is set once the file's absence is logged, so it is logged once.
	gone bool
}

// fileStamp is what a poll compares; the zero value is "no file".
type fileStamp struct {
	modTime time.Time
	size    int64
}

func stampOf(fi os.FileInfo) fileStamp { return fileStamp{fi.ModTime(), fi.Size()} }

// load reads and parses the file for the first time, before the server
// starts; its stamp is taken before the read, so a write during the read
// is seen by the first poll.
func (w *scenarioWatcher) load() (*emulator.Scenario, error) {
	fi, err := os.Stat(w.path)
	if err != nil {
		return nil, err
	}
	data, err := readFile(w.path)
	if err != nil {
		return nil, err
	}
	sc, err := emulator.ParseScenario(data)
	if err != nil {
		return nil, err
	}
	w.stamp, w.data = stampOf(fi), data
	return sc, nil
}

// run polls until ctx is done.
func (w *scenarioWatcher) run(ctx context.Context) {
	interval := w.interval
	if interval == 0 {
		interval = watchInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			w.poll(ctx)
		}
	}
}

// poll looks at the file once and applies it if it changed and is valid.
// Whatever goes wrong, the scenario in force stays.
func (w *scenarioWatcher) poll(ctx context.Context) {
	log := w.logger.With("file", w.path)
	fi, err := os.Stat(w.path)
	if err != nil {
		if !w.gone {
			w.gone = true
			msg := "scenario file unreadable; keeping the scenario in force"
			if errors.Is(err, fs.ErrNotExist) {
				msg = "scenario file removed; keeping the scenario in force"
			}
			log.Warn(msg, "error", err)
		}
		// Forget the stamp: the file coming back, even unchanged, is read.
		w.stamp = fileStamp{}
		return
	}
	w.gone = false
	stamp := stampOf(fi)
	if stamp == w.stamp {
		return
	}
	data, err := readFile(w.path)
	if err != nil {
		log.Error("scenario file unreadable; keeping the scenario in force", "error", err)
		return
	}
	// The stamp is taken before the read, so a write racing the read
	// changes it again and the next poll reads once more.
	w.stamp = stamp
	if bytes.Equal(data, w.data) {
		return
	}
	w.data = data
	sc, err := emulator.ParseScenario(data)
	if err != nil {
		// The parser's findings carry their line numbers.
		log.Error("scenario file invalid; keeping the scenario in force", "error", err)
		return
	}
	if err := w.apply(ctx, sc); err != nil {
		log.Error("scenario not applied; keeping the scenario in force", "error", err)
		// Let the next change, or the same bytes again, be tried.
		w.data = nil
		return
	}
	log.Info("scenario file changed; applied")
}
