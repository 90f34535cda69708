// Package secrets seals the secrets meshport keeps in its database (source
// connection strings with their passwords) so that a copy of the database
// alone reveals none of them.
//
// Imports: the standard library only.
package secrets
