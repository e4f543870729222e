// Package distlog routes the logs of embedded distribution apps to each
// app's own slog.Logger.
//
// distribution logs only through logrus' process-wide standard logger, so
// its output reaches each owner's logger this way: one hook, installed once
// and holding no state, and a *Logger put in every context distribution
// logs from (the one NewApp gets, for its background work, and each
// request's) under the key distribution copies into every log entry it
// makes without a logger of its own, "instance.id"
// (internal/dcontext.getLogrusLogger). An entry that carries none is
// dropped: never slog.Default.
package distlog

import (
	"context"
	"io"
	"log/slog"
	"sync"

	"github.com/sirupsen/logrus"
)

// key is the context key distribution copies into its entries.
const key = "instance.id"

// Logger is where one owner's distribution logs go.
type Logger struct{ l *slog.Logger }

// New returns a Logger writing to l, and installs the hook if it is not
// yet.
func New(l *slog.Logger) *Logger {
	install()
	return &Logger{l}
}

// With returns ctx carrying l for distribution.
func With(ctx context.Context, l *Logger) context.Context {
	return context.WithValue(ctx, key, l) //nolint:staticcheck // distribution reads this string key
}

var install = sync.OnceFunc(func() {
	std := logrus.StandardLogger()
	std.SetOutput(io.Discard)
	std.SetLevel(logrus.WarnLevel)
	std.AddHook(hook{})
})

type hook struct{}

func (hook) Levels() []logrus.Level {
	return []logrus.Level{logrus.PanicLevel, logrus.FatalLevel, logrus.ErrorLevel, logrus.WarnLevel}
}

func (hook) Fire(e *logrus.Entry) error {
	dl, ok := e.Data[key].(*Logger)
	if !ok {
		return nil
	}
	level := slog.LevelWarn
	if e.Level <= logrus.ErrorLevel {
		level = slog.LevelError
	}
	// distribution logs every 4xx answer as an error; those are the
	// client's business, and ecrlink reports them itself.
	if status, ok := e.Data["http.response.status"].(int); ok && status < 500 {
		level = slog.LevelDebug
	}
	attrs := make([]any, 0, 2*len(e.Data))
	for k, v := range e.Data {
		if k == "go.version" || k == key || k == "service" {
			continue
		}
		attrs = append(attrs, k, v)
	}
	dl.l.Log(context.Background(), level, "distribution: "+e.Message, attrs...)
	return nil
}
