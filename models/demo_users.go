package models

// DevIssuer marks users of the local development sign-in.
const DevIssuer = "meshport-dev"

// DemoUsers are the people offered by the local development sign-in: one per role.
func DemoUsers() []User {
	return []User{
		{Issuer: DevIssuer, Subject: "ada", Email: "ada@example.com", EmailVerified: true, Name: "Ada Admin", Groups: StringList{"platform-team"}, Admin: true},
		{Issuer: DevIssuer, Subject: "omar", Email: "omar@example.com", EmailVerified: true, Name: "Omar Owner", Groups: StringList{"checkout-team"}},
		{Issuer: DevIssuer, Subject: "vera", Email: "vera@example.com", EmailVerified: true, Name: "Vera Viewer", Groups: StringList{"analysts"}},
	}
}
