package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ServeOptions tune Serve. Zero durations take the defaults named on each field.
type ServeOptions struct {
	// ReadHeaderTimeout bounds reading a request's headers (10s): a slow client
	// cannot hold a connection open by trickling them.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request (1m; a roster import is the largest).
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the end of the
	// response (2m; importing a county roster takes the longest).
	WriteTimeout time.Duration
	// IdleTimeout closes keep-alive connections idle this long (2m).
	IdleTimeout time.Duration
	// DrainDelay is how long /readyz answers 503, with requests still served, before
	// the listener closes, so that a load balancer stops sending first (0: none).
	DrainDelay time.Duration
	// ShutdownTimeout bounds the wait for requests in flight once the listener is
	// closed (30s); those still running then are cut off.
	ShutdownTimeout time.Duration
}

func (o *ServeOptions) defaults() {
	set := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	set(&o.ReadHeaderTimeout, 10*time.Second)
	set(&o.ReadTimeout, time.Minute)
	set(&o.WriteTimeout, 2*time.Minute)
	set(&o.IdleTimeout, 2*time.Minute)
	set(&o.ShutdownTimeout, 30*time.Second)
}

// Serve serves HTTP on ln until ctx is done, then shuts down gracefully: /readyz goes
// 503 (Drain), after DrainDelay the listener closes, and requests in flight finish.
// It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener, o ServeOptions) error {
	o.defaults()
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		ReadTimeout:       o.ReadTimeout,
		WriteTimeout:      o.WriteTimeout,
		IdleTimeout:       o.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("api: serving: %w", err)
	case <-ctx.Done():
	}
	s.Drain()
	s.log.Info("draining", slog.Duration("delay", o.DrainDelay))
	if o.DrainDelay > 0 {
		t := time.NewTimer(o.DrainDelay)
		select {
		case <-t.C:
		case err := <-done:
			t.Stop()
			return fmt.Errorf("api: serving: %w", err)
		}
	}
	// The parent context is done: the shutdown gets a fresh one with its own limit.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		hs.Close()
		return fmt.Errorf("api: shutting down: %w", err)
	}
	s.log.Info("stopped")
	return nil
}
