package io.sqlq.core.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bound values of one statement: positional ({@code ?}, {@code ?NNN}) or named
 * ({@code :name}, {@code @name}, {@code $name}). A value is one of null, {@link Boolean},
 * {@link Long} (64-bit integer), {@link Double}, {@link String} or {@code byte[]}; other
 * integral and floating types are widened to {@code Long} and {@code Double}.
 */
public sealed interface Params {

  /** No parameters. */
  Params NONE = new Positional(List.of());

  /** Number of bound values. */
  int size();

  /** Values bound by position, the first to {@code ?1}. */
  record Positional(List<Object> values) implements Params {
    public Positional {
      values = Collections.unmodifiableList(normalize(values));
    }

    @Override
    public int size() {
      return values.size();
    }
  }

  /** Values bound by name; keys carry no prefix ({@code "a"} binds {@code :a}). */
  record Named(Map<String, Object> values) implements Params {
    public Named {
      Map<String, Object> copy = new LinkedHashMap<>();
      values.forEach((name, value) -> {
        if (name == null || name.isEmpty()) {
          throw new IllegalArgumentException("a named parameter needs a non-empty name");
        }
        copy.put(name, normalize(value));
      });
      values = Collections.unmodifiableMap(copy);
    }

    @Override
    public int size() {
      return values.size();
    }
  }

  /** Positional parameters from Java values. */
  static Params of(Object... values) {
    return values == null || values.length == 0 ? NONE : new Positional(java.util.Arrays.asList(values));
  }

  private static List<Object> normalize(List<?> values) {
    List<Object> out = new ArrayList<>(values.size());
    for (Object value : values) {
      out.add(normalize(value));
    }
    return out;
  }

  /**
   * Returns the wire type of {@code value}.
   *
   * @throws IllegalArgumentException for a type the protocol cannot carry, naming the type
   */
  static Object normalize(Object value) {
    return switch (value) {
      case null -> null;
      case Boolean b -> b;
      case Long l -> l;
      case Integer i -> i.longValue();
      case Short s -> s.longValue();
      case Byte b -> b.longValue();
      case Double d -> d;
      case Float f -> f.doubleValue();
      case String s -> s;
      case byte[] bytes -> bytes.clone();
      default -> throw new IllegalArgumentException("unsupported parameter type "
          + value.getClass().getName()
          + ": use null, Boolean, Long, Integer, Double, String or byte[]");
    };
  }
}
