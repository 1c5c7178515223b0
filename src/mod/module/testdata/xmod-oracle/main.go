// Command xmod-oracle answers questions about golang.org/x/mod/module and
// golang.org/x/mod/semver for the differential tests of src/mod/module.
//
// It reads a JSON array of calls {"fn": name, "args": [...]} from stdin and
// writes a JSON array of results {"out": [...], "err": "..."} to stdout.
// A string argument "hex:..." is decoded from hex first (for invalid UTF-8).
// The x/mod it is built against is the copy vendored in Debian's Go 1.19
// (see xmod-oracle.ts); this file only calls its exported API.
package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

type call struct {
	Fn   string   `json:"fn"`
	Args []string `json:"args"`
}

type result struct {
	Out []interface{} `json:"out"`
	Err *string       `json:"err"`
}

func arg(s string) string {
	if strings.HasPrefix(s, "hex:") {
		b, err := hex.DecodeString(s[4:])
		if err != nil {
			panic(err)
		}
		return string(b)
	}
	return s
}

func errText(err error) *string {
	if err == nil {
		return nil
	}
	s := err.Error()
	return &s
}

func run(c call) (res result) {
	defer func() {
		if r := recover(); r != nil {
			s := fmt.Sprint("panic: ", r)
			res = result{Err: &s}
		}
	}()
	a := make([]string, len(c.Args))
	for i, s := range c.Args {
		a[i] = arg(s)
	}
	switch c.Fn {
	case "CheckPath":
		return result{Err: errText(module.CheckPath(a[0]))}
	case "CheckImportPath":
		return result{Err: errText(module.CheckImportPath(a[0]))}
	case "CheckFilePath":
		return result{Err: errText(module.CheckFilePath(a[0]))}
	case "Check":
		return result{Err: errText(module.Check(a[0], a[1]))}
	case "EscapePath":
		s, err := module.EscapePath(a[0])
		return result{Out: []interface{}{s}, Err: errText(err)}
	case "UnescapePath":
		s, err := module.UnescapePath(a[0])
		return result{Out: []interface{}{s}, Err: errText(err)}
	case "EscapeVersion":
		s, err := module.EscapeVersion(a[0])
		return result{Out: []interface{}{s}, Err: errText(err)}
	case "UnescapeVersion":
		s, err := module.UnescapeVersion(a[0])
		return result{Out: []interface{}{s}, Err: errText(err)}
	case "SplitPathVersion":
		p, m, ok := module.SplitPathVersion(a[0])
		return result{Out: []interface{}{p, m, ok}}
	case "CheckPathMajor":
		return result{Err: errText(module.CheckPathMajor(a[0], a[1]))}
	case "PathMajorPrefix":
		return result{Out: []interface{}{module.PathMajorPrefix(a[0])}}
	case "CanonicalVersion":
		return result{Out: []interface{}{module.CanonicalVersion(a[0])}}
	case "IsPseudoVersion":
		return result{Out: []interface{}{module.IsPseudoVersion(a[0])}}
	case "IsZeroPseudoVersion":
		return result{Out: []interface{}{module.IsZeroPseudoVersion(a[0])}}
	case "ZeroPseudoVersion":
		return result{Out: []interface{}{module.ZeroPseudoVersion(a[0])}}
	case "PseudoVersion":
		t, err := time.Parse(time.RFC3339, a[2])
		if err != nil {
			panic(err)
		}
		return result{Out: []interface{}{module.PseudoVersion(a[0], a[1], t, a[3])}}
	case "PseudoVersionBase":
		s, err := module.PseudoVersionBase(a[0])
		return result{Out: []interface{}{s}, Err: errText(err)}
	case "PseudoVersionRev":
		s, err := module.PseudoVersionRev(a[0])
		return result{Out: []interface{}{s}, Err: errText(err)}
	case "PseudoVersionTime":
		t, err := module.PseudoVersionTime(a[0])
		if err != nil {
			return result{Err: errText(err)}
		}
		return result{Out: []interface{}{t.UTC().Format(time.RFC3339)}}
	case "MatchPrefixPatterns":
		return result{Out: []interface{}{module.MatchPrefixPatterns(a[0], a[1])}}
	case "PathMatch":
		ok, err := path.Match(a[0], a[1])
		return result{Out: []interface{}{ok}, Err: errText(err)}
	case "ModuleError":
		// args: path, version, message, and optionally the InvalidVersionError's version and "pseudo".
		var inner error = errors.New(a[2])
		if len(a) > 3 {
			inner = &module.InvalidVersionError{Version: a[3], Pseudo: len(a) > 4 && a[4] == "pseudo", Err: inner}
		}
		return result{Out: []interface{}{module.VersionError(module.Version{Path: a[0], Version: a[1]}, inner).Error()}}
	case "VersionString":
		return result{Out: []interface{}{module.Version{Path: a[0], Version: a[1]}.String()}}
	case "Sort":
		var list []module.Version
		for i := 0; i+1 < len(a); i += 2 {
			list = append(list, module.Version{Path: a[i], Version: a[i+1]})
		}
		module.Sort(list)
		var out []interface{}
		for _, m := range list {
			out = append(out, m.Path, m.Version)
		}
		return result{Out: out}
	case "Quote":
		return result{Out: []interface{}{fmt.Sprintf("%q", a[0])}}
	case "QuoteRune":
		var r rune
		fmt.Sscan(a[0], &r)
		return result{Out: []interface{}{fmt.Sprintf("%q", r)}}
	case "semver":
		v := a[0]
		return result{Out: []interface{}{semver.IsValid(v), semver.Canonical(v), semver.Major(v),
			semver.MajorMinor(v), semver.Prerelease(v), semver.Build(v)}}
	case "semver.Compare":
		return result{Out: []interface{}{semver.Compare(a[0], a[1]), semver.Max(a[0], a[1])}}
	}
	panic("unknown fn " + c.Fn)
}

func main() {
	var calls []call
	if err := json.NewDecoder(os.Stdin).Decode(&calls); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := make([]result, len(calls))
	for i, c := range calls {
		out[i] = run(c)
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
