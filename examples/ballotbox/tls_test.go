package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sandogh/sandogh/ballot/boxserver"
	"github.com/sandogh/sandogh/election"
	"github.com/sandogh/sandogh/examples/internal/demo"
)

// selfSigned writes a certificate for 127.0.0.1 and its key to dir, and
// returns their paths and a pool that trusts the certificate.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ballot box"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestServeTLS: with -tls-cert and -tls-key the server speaks HTTPS only;
// a station that trusts the certificate opens its chain over it.
func TestServeTLS(t *testing.T) {
	dir := setupElection(t, "tls", 1)
	certFile, keyFile, pool := selfSigned(t, t.TempDir())
	srv := startServer(t, dir, "127.0.0.1:0", "-tls-cert", certFile, "-tls-key", keyFile)
	if !strings.HasPrefix(srv.url, "https://") {
		t.Fatalf("the server listens on %s", srv.url)
	}
	r, _ := election.Open(dir)
	e, err := r.Election()
	if err != nil {
		t.Fatal(err)
	}
	key := demo.Seeds{Tag: seedTag, Seed: "tls"}.StationKey("station-1")
	c := &boxserver.Client{URL: srv.url, Device: "station-1", Key: key, BaseHash: e.BaseHash(),
		HTTP: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}}
	tip, err := c.Tip(context.Background())
	if err != nil || tip.Opened {
		t.Fatalf("tip over HTTPS: %+v, %v", tip, err)
	}
	// Plain HTTP to the same port is not served.
	plain := &boxserver.Client{URL: strings.Replace(srv.url, "https://", "http://", 1), Device: "station-1", Key: key, BaseHash: e.BaseHash(), HTTP: &http.Client{Timeout: 10 * time.Second}}
	if _, err := plain.Tip(context.Background()); err == nil {
		t.Fatal("plain HTTP was served")
	}
	// A client that does not trust the certificate refuses the server.
	untrusting := &boxserver.Client{URL: srv.url, Device: "station-1", Key: key, BaseHash: e.BaseHash(), HTTP: &http.Client{Timeout: 10 * time.Second}}
	if _, err := untrusting.Tip(context.Background()); err == nil {
		t.Fatal("a client without the certificate connected")
	}
	srv.stop(t)
}
