package models

import (
	"errors"
	"strings"

	"github.com/meshport/meshport/models/bitol"
	"github.com/meshport/meshport/models/odcs"
)

// ParseContract reads an ODCS document (YAML or JSON) as a user sent it:
// not a document is a bad request, over 2 MB too large, and a document
// the standard refuses is invalid, with each problem at its path and line.
func ParseContract(data []byte) (*odcs.Contract, error) {
	doc, err := odcs.Parse(data)
	if err != nil {
		return nil, documentError("contract", err)
	}
	return doc, nil
}

// documentError turns a Bitol decoding or validation error into the
// portal's error; Fields map each problem's path to its message and line.
func documentError(what string, err error) error {
	var be *bitol.Error
	if !errors.As(err, &be) {
		return internal("parse "+what, err)
	}
	e := &Error{Code: EINVALID, Fields: FieldErrors{}}
	switch be.Kind {
	case bitol.KindSyntax:
		e.Code = EBADREQUEST
	case bitol.KindTooLarge:
		e.Code = ETOOLARGE
	}
	lines := make([]string, 0, len(be.Problems))
	for _, p := range be.Problems {
		lines = append(lines, p.String())
		key := p.Path
		if key == "" {
			key = "document"
		}
		if _, ok := e.Fields[key]; !ok {
			e.Fields[key] = truncate(strings.TrimPrefix(p.String(), p.Path+": "), 500)
		}
	}
	if len(lines) > 20 {
		lines = append(lines[:20], "…and more")
	}
	e.Message = "The " + what + " is not valid: " + strings.Join(lines, "; ")
	if be.Kind == bitol.KindSyntax {
		e.Message = "The " + what + " is not well-formed YAML or JSON: " + strings.Join(lines, "; ")
	}
	if be.Kind == bitol.KindTooLarge {
		e.Message = "The " + what + " is too large: " + strings.Join(lines, "; ")
	}
	return e
}

// ContractProblems is the portal's error for a contract an edit made
// invalid.
func ContractProblems(err error) error { return documentError("contract", err) }
