package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/textproto"
	"syscall"

	gomail "github.com/go-mail/mail/v2"
)

// Temporary says whether sending again later may succeed: SMTP 4xx replies, refused,
// reset or timed-out connections and temporary DNS failures are temporary; SMTP 5xx
// replies, invalid messages, missing STARTTLS and certificate problems are not, and
// neither is any error it does not recognise.
func Temporary(err error) bool {
	if err == nil {
		return false
	}
	// go-mail's SendError has no Unwrap method: follow its Cause by hand.
	var se *gomail.SendError
	if errors.As(err, &se) {
		return Temporary(se.Cause)
	}
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return reply.Code >= 400 && reply.Code < 500
	}
	var noTLS gomail.StartTLSUnsupportedError
	if errors.Is(err, ErrInvalidMessage) || errors.Is(err, ErrNoSTARTTLS) || errors.Is(err, ErrConfig) || errors.As(err, &noTLS) {
		return false
	}
	if isCertificateError(err) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.IsTemporary || dnsErr.IsTimeout
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return true
	}
	for _, errno := range []syscall.Errno{
		syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE,
		syscall.ETIMEDOUT, syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.ENETDOWN,
		syscall.EHOSTDOWN,
	} {
		if errors.Is(err, errno) {
			return true
		}
	}
	return false
}

func isCertificateError(err error) bool {
	var (
		verify     *tls.CertificateVerificationError
		unknownCA  x509.UnknownAuthorityError
		hostname   x509.HostnameError
		invalid    x509.CertificateInvalidError
		notTLS     tls.RecordHeaderError
		alertError tls.AlertError
	)
	return errors.As(err, &verify) || errors.As(err, &unknownCA) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &notTLS) || errors.As(err, &alertError)
}
