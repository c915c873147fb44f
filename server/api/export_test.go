package api

import "github.com/gorilla/mux"

// Walk walks the server's routes, for the test that keeps openapi.json in step.
func (s *Server) Walk(fn mux.WalkFunc) error { return s.router.Walk(fn) }
