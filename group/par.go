package group

import "github.com/sandogh/sandogh/internal/par"

func parallelFor(n int, body func(lo, hi int)) { par.For(n, 16, body) }
