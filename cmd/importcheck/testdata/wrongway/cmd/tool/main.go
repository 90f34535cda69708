package main

import _ "github.com/meshport/meshport/models/seed"

func main() {}
