//go:build !unix

package corpus

// openNonBlocking is unix's O_NONBLOCK; elsewhere there are no named pipes
// to open in a directory.
const openNonBlocking = 0
