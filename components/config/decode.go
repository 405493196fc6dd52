package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/jiucom/jiucom-infra/components/validate"
)

// node is one JSON value (or object key) of a config key, located by the
// path the user writes (`hosts.service.lan`, `extraServices[0].port`).
type node struct {
	path       string
	start, end int64  // byte span in the key's JSON text; a container spans to its closing bracket
	literal    string // how the user wrote it: "three" (quoted), 3.5, true, null, or a kind
	str        *string
	isKey      bool
}

type frame struct {
	obj       bool
	path      string
	key       string
	idx       int
	expectKey bool
	open      int // index of the container's own node
}

// scanJSON lists every value and object key of a key's JSON text with its
// path and span. It stops at the first syntax error (decode reports it).
func scanJSON(key, text string) []node {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var nodes []node
	var stack []frame
	here := func() string {
		if len(stack) == 0 {
			return key
		}
		f := stack[len(stack)-1]
		if f.obj {
			return f.path + "." + f.key
		}
		return fmt.Sprintf("%s[%d]", f.path, f.idx)
	}
	advance := func() {
		if len(stack) == 0 {
			return
		}
		f := &stack[len(stack)-1]
		if f.obj {
			f.expectKey = true
		} else {
			f.idx++
		}
	}
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nodes
		}
		end := dec.InputOffset()
		start := before + int64(len(text[before:end])-len(strings.TrimLeft(text[before:end], " \t\r\n:,")))
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			if len(stack) > 0 {
				nodes[stack[len(stack)-1].open].end = end
				stack = stack[:len(stack)-1]
			}
			advance()
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].expectKey {
			k, _ := tok.(string)
			stack[n-1].key, stack[n-1].expectKey = k, false
			nodes = append(nodes, node{path: here(), start: start, end: end, literal: strconv.Quote(k), str: &k, isKey: true})
			continue
		}
		nd := node{path: here(), start: start, end: end}
		switch v := tok.(type) {
		case json.Delim:
			nd.literal = map[json.Delim]string{'{': "an object", '[': "a list"}[v]
			nodes = append(nodes, nd)
			stack = append(stack, frame{obj: v == '{', path: nd.path, expectKey: v == '{', open: len(nodes) - 1})
			continue
		case string:
			nd.literal, nd.str = strconv.Quote(v), &v
		case json.Number:
			nd.literal = v.String()
		case bool:
			nd.literal = strconv.FormatBool(v)
		case nil:
			nd.literal = "null"
		}
		nodes = append(nodes, nd)
		advance()
	}
}

// decode reads one object key strictly and reports each problem once, under
// the key path the user writes, in the user's words: a value of the wrong
// type (`app.replicas: "three" is not a whole number`), an unknown field (a
// typo the user wants to hear about, not a value silently ignored), text
// that is not JSON. A value of the wrong type is set aside (decoded as null)
// and decoding goes on, so every mismatch is reported at once; problems
// other checks would raise for the same key are follow-ups Parse drops.
func decode(values map[string]string, key string, into any, ps *Problems) {
	text, ok := values[key]
	if !ok || strings.TrimSpace(text) == "" {
		return
	}
	const seeShape = "see the key's shape in Pulumi.yaml and docs/configuration.md"
	for range 64 {
		target := reflect.New(reflect.TypeOf(into).Elem())
		dec := json.NewDecoder(bytes.NewReader([]byte(text)))
		dec.DisallowUnknownFields()
		err := dec.Decode(target.Interface())
		if err == nil {
			if _, extra := dec.Token(); extra != io.EOF {
				ps.addRoot(key, seeShape, "has text after its value")
				return
			}
		}
		var typeErr *json.UnmarshalTypeError
		var syntaxErr *json.SyntaxError
		switch {
		case err == nil:
			reflect.ValueOf(into).Elem().Set(target.Elem())
			return
		case errors.As(err, &typeErr):
			n, found := nodeEndingAt(scanJSON(key, text), typeErr.Offset)
			if !found {
				ps.addRoot(key, seeShape, "cannot be read: a %s is not %s", typeErr.Value, expected(typeErr.Type))
				return
			}
			ps.addRoot(n.path, fixFor(typeErr.Type), "%s is not %s", n.literal, expected(typeErr.Type))
			text = text[:n.start] + "null" + text[n.end:]
		case errors.As(err, &syntaxErr):
			ps.addRoot(key, seeShape, "is not valid JSON (byte %d: %s)", syntaxErr.Offset, syntaxErr.Error())
			return
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
			path, rest, ok := withoutMember(key, text, name)
			ps.addRoot(path, seeShape+"; keys are case-sensitive", "unknown field %q", name)
			if !ok {
				return
			}
			text = rest
		default:
			ps.addRoot(key, seeShape, "cannot be read: %s", err.Error())
			return
		}
	}
}

// nodeEndingAt finds the value the decoder stopped at: a json type error's
// Offset is the end of a literal or just past a container's opening bracket.
func nodeEndingAt(nodes []node, offset int64) (node, bool) {
	for _, n := range nodes {
		if n.isKey {
			continue
		}
		if n.end == offset || (n.literal == "an object" || n.literal == "a list") && n.start+1 == offset {
			return n, true
		}
	}
	return node{}, false
}

// withoutMember finds the one object member whose key is spelled that way
// and returns its path and the text without it, so decoding can go on and
// find the next problem. With no or several such keys it returns the whole
// key and false.
func withoutMember(key, text, name string) (string, string, bool) {
	nodes := scanJSON(key, text)
	at := -1
	for i, n := range nodes {
		if n.isKey && n.str != nil && *n.str == name {
			if at >= 0 {
				return key, "", false
			}
			at = i
		}
	}
	if at < 0 || at+1 >= len(nodes) {
		return key, "", false
	}
	start, end := int(nodes[at].start), int(nodes[at+1].end)
	if rest := strings.TrimLeft(text[end:], " \t\r\n"); strings.HasPrefix(rest, ",") {
		end = len(text) - len(rest) + 1
	} else if before := strings.TrimRight(text[:start], " \t\r\n"); strings.HasSuffix(before, ",") {
		start = len(before) - 1
	}
	return nodes[at].path, text[:start] + text[end:], true
}

// expected describes a Go type in the user's words.
func expected(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64, reflect.Uint32, reflect.Uint16:
		return "a whole number"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list of " + plural(t.Elem())
	case reflect.Map, reflect.Struct:
		return "an object (a map of keys)"
	case reflect.Pointer:
		return expected(t.Elem())
	}
	return "the expected kind of value"
}

func plural(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "texts"
	case reflect.Int, reflect.Int64:
		return "whole numbers"
	case reflect.Map, reflect.Struct:
		return "objects"
	}
	return "values"
}

func fixFor(t reflect.Type) string {
	switch expected(t) {
	case "a whole number":
		return "write digits without quotes, e.g. 2"
	case "a number":
		return "write a number without quotes, e.g. 0.5"
	case "text":
		return `write text; quote it if YAML would read it as a number or boolean, e.g. "8.0"`
	case "true or false":
		return "write true or false without quotes"
	case "an object (a map of keys)":
		return "write nested keys; see docs/configuration.md"
	}
	return "write a YAML list, e.g. [a, b]; see docs/configuration.md"
}

// checkVisible reports every string of a key (object keys included) that
// carries control or invisible characters, at its own path. values
// reports whether a node's text is user content exempt from the rule.
func checkVisible(key, text string, content func(path string) bool, ps *Problems) {
	for _, n := range scanJSON(key, text) {
		if n.str == nil || (!n.isKey && content(n.path)) {
			continue
		}
		if err := validate.Visible(*n.str); err != nil {
			ps.addRoot(n.path, "retype it: pasted text often carries characters that do not show", "%v", err)
		}
	}
}
