// Package governance renders federated computational governance: the
// governance overview (policies with their pass rates, open proposals with
// their impact and votes, waivers, the domain leaderboard and its trend),
// a policy's page with its history, and the policy form with live checks.
//
// Imports: views and models (and templ); never handlers or jobs.
package governance
