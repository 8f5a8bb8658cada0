package web

import (
	"io/fs"
	"net/http"
)

// httpFS serves an embedded directory through Fiber's filesystem middleware.
func httpFS(f fs.FS) http.FileSystem { return http.FS(f) }
