/**
 * A self-signed certificate for localhost and 127.0.0.1 (EC P-256, valid
 * for 100 years), made once with
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500
 * -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1`.
 * Inline, so the TLS tests need no file access in the bundled suites. Test use only.
 */

/** The certificate, PEM: the server's chain and the client's only trusted CA. */
export const CERT = `-----BEGIN CERTIFICATE-----
MIIBlzCCAT6gAwIBAgIUcXs6W4T9fNIPa9BAB46J/p61wKkwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNjIxNTMwOVoYDzIxMjYxMTEy
MjE1MzA5WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQSfWDjrV7i+IHDepzr/cGN8xWpfHanuSoqIUJ2TVIfTPGKmie14iuv
Ui3t0Hcz5kpYNu8kjKA1OPQpA1diC3Q5o2wwajAdBgNVHQ4EFgQUIac9sAORujCE
MM2seBJVpPCyRrowHwYDVR0jBBgwFoAUIac9sAORujCEMM2seBJVpPCyRrowGgYD
VR0RBBMwEYIJbG9jYWxob3N0hwR/AAABMAwGA1UdEwEB/wQCMAAwCgYIKoZIzj0E
AwIDRwAwRAIgZnNkL6eIItBUEg+8QSQI54P8ZBh5zWw0Jt8et9FbMvYCIFUAs6gR
go4r2BAYGL/4oIXomZ5rzKT+c8CPgDARYGKU
-----END CERTIFICATE-----
`;

/** Its private key, PEM. */
export const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg5wWU5QrQL/D+qfSa
4XnGD1oEmDf+CWCVdfIvPtYYYV6hRANCAAQSfWDjrV7i+IHDepzr/cGN8xWpfHan
uSoqIUJ2TVIfTPGKmie14iuvUi3t0Hcz5kpYNu8kjKA1OPQpA1diC3Q5
-----END PRIVATE KEY-----
`;
