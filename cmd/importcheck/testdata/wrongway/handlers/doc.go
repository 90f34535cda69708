// Package handlers serves.
package handlers
