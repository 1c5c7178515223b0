// Package old is no longer maintained.
//
// Deprecated: use example.com/new/v2 instead. The v1 line
// will receive security fixes until 2025.
module example.com/old

go 1.15

require example.com/dep v1.4.0 // needed for the legacy client
