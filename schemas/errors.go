package schemas

import (
	"errors"
	"fmt"
)

// Application error codes. They say what kind of failure an error is, not
// where it happened, so an HTTP server maps them to statuses in one table
// and the command line maps them to exit statuses in one function.
const (
	ENOTFOUND     = "not_found"
	EINVALID      = "invalid"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOLARGE     = "too_large"
	// ETOOMANY is a client asking faster than it may; EUNAVAILABLE is a
	// service that cannot answer now but may later (nothing published
	// yet, a query that ran out of time).
	ETOOMANY     = "too_many_requests"
	EUNAVAILABLE = "unavailable"
	EINTERNAL    = "internal"
)

// Error is an application error: a code for the program to branch on, a
// message fit to show the person who caused it, and the underlying error,
// if any, for the log.
type Error struct {
	Code    string
	Message string
	Err     error

	// wrapped is what the %w verbs of Errorf wrapped. It is kept apart
	// from Err because Message already holds its text, which Error would
	// otherwise print twice.
	wrapped error
}

// Error returns the message, followed by the underlying error when there
// is one.
func (e *Error) Error() string {
	if e.Err == nil {
		return e.Message
	}
	return e.Message + ": " + e.Err.Error()
}

// Unwrap returns the underlying error, so errors.Is and errors.As see
// through an *Error to the sentinels and typed errors inside it.
func (e *Error) Unwrap() error {
	if e.Err != nil {
		return e.Err
	}
	return e.wrapped
}

// Errorf returns an *Error with the given code and a message formatted as
// fmt.Errorf formats it. Errors given to %w are wrapped as fmt.Errorf wraps
// them: their text is part of the message and errors.Is and errors.As
// find them.
func Errorf(code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	e := &Error{Code: code, Message: err.Error()}
	// fmt.Errorf returns a plain error when nothing was wrapped, and one
	// with an Unwrap method (of either shape) when something was.
	switch err.(type) {
	case interface{ Unwrap() error }, interface{ Unwrap() []error }:
		e.wrapped = err
	}
	return e
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for an error that has none, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, and
// "internal error" for an error that has none: the text of an uncoded
// error may name files and hosts, so it is for the log, not the user.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
