package io.sqlq.consumer.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sqlq.core.aws.AwsCallFailedException;
import io.sqlq.core.store.PublishConflictException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.InterceptorContext;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

class FaultsTest {
  private final Faults faults = new Faults();

  @Test
  void unarmedEveryCheckPasses() {
    for (FaultPoint point : FaultPoint.values()) {
      faults.check(point);
    }
    assertThat(faults.fired()).isZero();
  }

  @Test
  void armedEveryNthCallFailsUntilTheTimesAreSpent() {
    faults.arm(FaultPoint.AFTER_FETCH, 2, 2);
    List<Integer> failedCalls = new ArrayList<>();
    for (int call = 1; call <= 8; call++) {
      try {
        faults.check(FaultPoint.AFTER_FETCH);
        faults.check(FaultPoint.AFTER_LOCK);
      } catch (InjectedFaultException e) {
        assertThat(e.point()).isEqualTo(FaultPoint.AFTER_FETCH);
        failedCalls.add(call);
      }
    }
    assertThat(failedCalls).containsExactly(2, 4);
    assertThat(faults.fired(FaultPoint.AFTER_FETCH)).isEqualTo(2);
    assertThat(faults.fired()).isEqualTo(2);
  }

  @Test
  void anActionRunsOnceAtTheNextCallAndTheCallGoesOn() {
    AtomicInteger runs = new AtomicInteger();
    faults.onNextCall(FaultPoint.AFTER_COMMIT, runs::incrementAndGet);

    faults.check(FaultPoint.AFTER_COMMIT);
    faults.check(FaultPoint.AFTER_COMMIT);

    assertThat(runs).hasValue(1);
    assertThat(faults.fired(FaultPoint.AFTER_COMMIT)).isEqualTo(1);
  }

  @Test
  void disarmedChecksPassAgainAndBadPlansAreRefused() {
    faults.arm(FaultPoint.MID_APPLY, 1, 5);
    faults.disarm();
    faults.check(FaultPoint.MID_APPLY);

    assertThatThrownBy(() -> faults.arm(FaultPoint.MID_APPLY, 0, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("every 0");
  }

  @Test
  void aStorePointFailsAsS3WouldAndACrashPointAsACrash() {
    faults.arm(FaultPoint.STORE_FETCH_5XX, 1, 1);
    faults.arm(FaultPoint.STORE_PUBLISH_CONFLICT, 1, 1);
    faults.arm(FaultPoint.AFTER_PUBLISH, 1, 1);

    assertThatThrownBy(() -> faults.acquired(null)).isInstanceOfSatisfying(AwsCallFailedException.class,
        e -> assertThat(e.retryable()).isTrue()).hasMessageContaining("503");
    assertThatThrownBy(() -> faults.applied("main", null)).isInstanceOf(PublishConflictException.class);
    assertThatThrownBy(() -> faults.published("main", 1, 4096)).isInstanceOfSatisfying(InjectedFaultException.class,
        e -> assertThat(e.point()).isEqualTo(FaultPoint.AFTER_PUBLISH));
  }

  @Test
  void theS3InterceptorFailsAManifestPutObjectOnly_beforeItIsSentOrAfterItsAnswer() {
    faults.arm(FaultPoint.STORE_BEFORE_MANIFEST, 1, 1);
    faults.arm(FaultPoint.STORE_MANIFEST_REFUSED, 1, 1);
    faults.arm(FaultPoint.STORE_MANIFEST_ANSWER_LOST, 1, 10);
    ExecutionInterceptor s3 = faults.s3Interceptor();
    ExecutionAttributes attributes = new ExecutionAttributes();
    List<SdkRequest> others = List.of(put("db/main/log/00000000000000000002-0123456789ab-ba9876543210.delta"),
        put("db/main/log/00000000000000000001-ba9876543210-000000000000.snapshot"),
        put("db/main/merged/00000000000000000002-00000000000000000017-0123456789ab.delta"),
        put("payloads/manifest.json.part"), GetObjectRequest.builder().bucket("b").key("db/main/manifest.json").build());

    for (SdkRequest other : others) {
      s3.beforeExecution(context(other), attributes);
      s3.afterExecution(context(other), attributes);
    }
    assertThat(faults.fired()).as("faults fired by calls that do not write a manifest").isZero();

    assertThatThrownBy(() -> s3.beforeExecution(context(put("db/main/manifest.json")), attributes))
        .isInstanceOfSatisfying(InjectedFaultException.class,
            e -> assertThat(e.point()).isEqualTo(FaultPoint.STORE_BEFORE_MANIFEST));
    assertThatThrownBy(() -> s3.beforeExecution(context(put("db/main/manifest.json")), attributes))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
    assertThatThrownBy(() -> s3.afterExecution(context(put("tenant-a/db/main/manifest.json")), attributes))
        .isInstanceOf(ApiCallTimeoutException.class);
    assertThat(faults.fired(FaultPoint.STORE_BEFORE_MANIFEST)).isEqualTo(1);
    assertThat(faults.fired(FaultPoint.STORE_MANIFEST_REFUSED)).isEqualTo(1);
    assertThat(faults.fired(FaultPoint.STORE_MANIFEST_ANSWER_LOST)).isEqualTo(1);
    assertThat(faults.s3Interceptor()).isSameAs(s3);
  }

  private static PutObjectRequest put(String key) {
    return PutObjectRequest.builder().bucket("b").key(key).build();
  }

  private static InterceptorContext context(SdkRequest request) {
    return InterceptorContext.builder().request(request).build();
  }
}
