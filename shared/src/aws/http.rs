//! The AWS SDK's HTTP client: HTTP/1.1 over [`crate::tls`], one connection pool per
//! timeout setting, shared by every client of the process.
//!
//! The SDK's own (`default-https-client`) also links HTTP/2, a proxy matcher and a second
//! crypto library; none of the APIs this project calls (DynamoDB, SQS, S3, SES, Secrets
//! Manager) speaks HTTP/2, no function runs behind a proxy, and a function's zip is smaller
//! without them (BENCHMARKS.md). What the SDK asks of a client is kept: its connect and
//! read timeouts, a pool, errors classified so that its retries see a dropped connection
//! or a timeout as transient, and a connection it can poison after such an error.

use aws_smithy_runtime_api::client::connection::{CaptureSmithyConnection, ConnectionMetadata};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::ErrorKind;
use hyper_util::client::legacy::connect::{capture_connection, CaptureConnection, HttpInfo};
use hyper_util::client::legacy::{connect::HttpConnector as TcpConnector, Client};
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::collections::HashMap;
use std::error::Error;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

type Pool = Client<hyper_rustls::HttpsConnector<TcpConnector>, SdkBody>;
/// A connector's settings: its connect and read timeouts.
type Timeouts = (Option<Duration>, Option<Duration>);
type BoxError = Box<dyn Error + Send + Sync>;

/// How long an idle connection stays in the pool (the SDK's client keeps them as long).
const POOL_IDLE: Duration = Duration::from_secs(90);

/// The client every SDK configuration of the process is given ([`super::lambda_config`],
/// and the local stack's).
pub fn client() -> SharedHttpClient {
    SharedHttpClient::new(Http1Client::default())
}

/// Connectors by their (connect, read) timeouts: the SDK asks for one per request, and
/// the same settings must find the same pool.
#[derive(Debug, Default)]
struct Http1Client {
    connectors: Mutex<HashMap<Timeouts, SharedHttpConnector>>,
}

impl HttpClient for Http1Client {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        let key = (settings.connect_timeout(), settings.read_timeout());
        let mut connectors = self
            .connectors
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        connectors
            .entry(key)
            .or_insert_with(|| {
                let tls = crate::tls::config().as_ref().clone();
                SharedHttpConnector::new(Connector::new(settings, tls))
            })
            .clone()
    }
}

#[derive(Debug, Clone)]
struct Connector {
    pool: Pool,
    read_timeout: Option<Duration>,
}

impl Connector {
    fn new(settings: &HttpConnectorSettings, tls: rustls::ClientConfig) -> Self {
        let mut tcp = TcpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(settings.connect_timeout());
        // https for AWS, http for a local AWS API (`AWS_ENDPOINT_URL=http://127.0.0.1:…`).
        let tls = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(tcp);
        let pool = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(POOL_IDLE)
            .build(tls);
        Self {
            pool,
            read_timeout: settings.read_timeout(),
        }
    }
}

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let mut request = match request.try_into_http1x() {
            Ok(request) => request,
            Err(error) => {
                return HttpConnectorFuture::ready(Err(ConnectorError::user(error.into())))
            }
        };
        let connection = capture_connection(&mut request);
        if let Some(capture) = request.extensions().get::<CaptureSmithyConnection>() {
            capture.set_connection_retriever(move || metadata(&connection));
        }
        let response = self.pool.request(request);
        let read_timeout = self.read_timeout;
        HttpConnectorFuture::new(async move {
            let response = match read_timeout {
                Some(limit) => tokio::time::timeout(limit, response)
                    .await
                    .map_err(|elapsed| ConnectorError::timeout(elapsed.into()))?,
                None => response.await,
            };
            let response = response.map_err(classify)?;
            HttpResponse::try_from(response.map(SdkBody::from_body_1_x))
                .map_err(|error| ConnectorError::other(error.into(), None))
        })
    }
}

/// The connection a request went out on, for the SDK to poison (close once the request
/// is done) after a transient error.
fn metadata(connection: &CaptureConnection) -> Option<ConnectionMetadata> {
    let connected = connection.connection_metadata();
    let connected = connected.as_ref()?;
    let mut extras = http::Extensions::new();
    connected.get_extras(&mut extras);
    let info = extras.get::<HttpInfo>();
    let connection = connection.clone();
    let mut metadata = ConnectionMetadata::builder()
        .proxied(false)
        .poison_fn(move || {
            if let Some(connected) = connection.connection_metadata().as_ref() {
                connected.poison();
            }
        });
    metadata
        .set_remote_addr(info.map(HttpInfo::remote_addr))
        .set_local_addr(info.map(HttpInfo::local_addr));
    Some(metadata.build())
}

/// What the SDK's retries should make of `error`: a connection that could not be made,
/// was closed or broke, or a response cut short, is transient (I/O); a request hyper
/// refused to send is the caller's; anything else is left to the SDK's classifiers.
fn classify(error: hyper_util::client::legacy::Error) -> ConnectorError {
    let hyper = find::<hyper::Error>(&error);
    let transient_io = error.is_connect()
        || find::<std::io::Error>(&error).is_some()
        || hyper.is_some_and(|hyper| hyper.is_closed() || hyper.is_canceled());
    let incomplete = hyper.is_some_and(hyper::Error::is_incomplete_message);
    let user = hyper.is_some_and(hyper::Error::is_user);
    let error: BoxError = error.into();
    if transient_io {
        ConnectorError::io(error)
    } else if incomplete {
        ConnectorError::other(error, Some(ErrorKind::TransientError))
    } else if user {
        ConnectorError::user(error)
    } else {
        ConnectorError::other(error, None)
    }
}

/// The first error of type `E` in `error`'s chain.
fn find<'a, E: Error + 'static>(error: &'a (dyn Error + 'static)) -> Option<&'a E> {
    std::iter::successors(Some(error), |&error| error.source())
        .find_map(|error| error.downcast_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;

    fn components() -> RuntimeComponents {
        RuntimeComponentsBuilder::for_tests()
            .build()
            .expect("test components")
    }

    #[test]
    fn the_same_settings_share_a_pool_and_other_timeouts_get_their_own() {
        let client = Http1Client::default();
        let short = HttpConnectorSettings::builder()
            .connect_timeout(Duration::from_secs(1))
            .build();
        let long = HttpConnectorSettings::builder()
            .connect_timeout(Duration::from_secs(9))
            .build();
        for settings in [&short, &short, &long, &long] {
            client.http_connector(settings, &components());
        }
        assert_eq!(client.connectors.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn a_refused_connection_is_transient_io_for_the_sdk_to_retry() {
        // A port nothing listens on: bound, then released.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let connector = Connector::new(
            &HttpConnectorSettings::default(),
            crate::tls::config().as_ref().clone(),
        );
        let error = connector
            .call(get(&format!("http://127.0.0.1:{port}/")))
            .await
            .expect_err("nothing listens");
        assert!(error.is_io(), "{error:?}");
    }

    fn get(uri: &str) -> HttpRequest {
        let request = http::Request::builder().uri(uri).body(SdkBody::empty());
        HttpRequest::try_from(request.expect("a request")).expect("an SDK request")
    }

    /// A TLS server on localhost whose certificate `tests/fixtures/tls/ca.pem` issued
    /// (test-only keys, valid until 2126), answering every request `200 ok` on HTTP/1.1.
    async fn tls_server() -> u16 {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let fixture = |name| format!("{}/tests/fixtures/tls/{name}", env!("CARGO_MANIFEST_DIR"));
        let certs = CertificateDer::pem_file_iter(fixture("localhost.pem"))
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .expect("the test certificate");
        let key = PrivateKeyDer::from_pem_file(fixture("localhost.key")).expect("the test key");
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|config| config.with_no_client_auth().with_single_cert(certs, key))
            .expect("a server configuration");
        let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let port = listener.local_addr().expect("its address").port();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n")
                        && tls.read(&mut byte).await.unwrap_or(0) == 1
                    {
                        head.push(byte[0]);
                    }
                    let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
                    let _ = tls.write_all(answer).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        port
    }

    /// Roots that trust only the test CA.
    fn trusting_the_test_ca() -> rustls::ClientConfig {
        use rustls::pki_types::{pem::PemObject, CertificateDer};
        let ca = format!("{}/tests/fixtures/tls/ca.pem", env!("CARGO_MANIFEST_DIR"));
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_file(ca).expect("the test CA"))
            .expect("a root");
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_root_certificates(roots)
            .with_no_client_auth()
    }

    #[tokio::test]
    async fn https_is_http_1_1_over_rustls_and_checks_the_servers_certificate() {
        let port = tls_server().await;
        let settings = HttpConnectorSettings::default();
        let trusting = Connector::new(&settings, trusting_the_test_ca());
        let response = trusting
            .call(get(&format!("https://localhost:{port}/")))
            .await
            .expect("an answer over TLS");
        assert_eq!(response.status().as_u16(), 200);
        let body = aws_smithy_types::byte_stream::ByteStream::new(response.into_body());
        let body = body.collect().await.expect("the body").into_bytes();
        assert_eq!(&body[..], b"ok");

        // The system's roots do not know the test CA: no answer is read.
        let system = Connector::new(&settings, crate::tls::config().as_ref().clone());
        let refused = system
            .call(get(&format!("https://localhost:{port}/")))
            .await;
        assert!(refused.is_err(), "an unknown issuer is refused");
    }
}
