package io.sqlq.core.lock;

import com.sun.net.httpserver.HttpServer;
import io.sqlq.core.aws.AwsClients;
import io.sqlq.core.aws.Endpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * An HTTP endpoint on loopback that answers every EC2 call with one error, in the EC2 error
 * response format (Amazon EC2 API Reference, "Error codes": {@code Response/Errors/Error/Code}).
 * moto validates too little to produce most EC2 errors (it creates groups in VPCs that do not
 * exist), so the error mapping is tested against this instead.
 */
final class Ec2ErrorEndpoint implements AutoCloseable {
  private final HttpServer server;
  private final AwsClients clients;
  private final Ec2Client ec2;
  private final AtomicInteger requests = new AtomicInteger();

  Ec2ErrorEndpoint(int status, String errorCode) {
    byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>" + errorCode
        + "</Code><Message>injected by the test</Message></Error></Errors><RequestID>test</RequestID></Response>")
        .getBytes(StandardCharsets.UTF_8);
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().add("Content-Type", "text/xml");
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    clients = new AwsClients(AwsClients.EMULATOR_REGION,
        Endpoints.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort())));
    ec2 = clients.newEc2Client();
  }

  Ec2Client ec2() {
    return ec2;
  }

  /** HTTP requests received so far, SDK retries included. */
  int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    ec2.close();
    clients.close();
    server.stop(0);
  }
}
