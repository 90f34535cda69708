module github.com/meshport/meshport

go 1.26
