// Command tool seeds.
//
// Imports: anything.
package main
