// Package memdriver is the storage driver of an ecrlink without a data
// directory: distribution's storage driver interface over a tree in memory,
// whose cost is linear in the bytes written (distribution's own inmemory
// driver copies a file's whole buffer on every write).
//
// It imports distribution's driver interfaces only; registering it with
// distribution's factory is the caller's business (registry/embed.go).
package memdriver
