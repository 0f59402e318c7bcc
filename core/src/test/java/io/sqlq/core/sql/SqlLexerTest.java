package io.sqlq.core.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlLexerTest {

  private static List<String> tokens(String sql) {
    List<String> tokens = new ArrayList<>();
    SqlLexer lexer = new SqlLexer(sql);
    while (lexer.next()) {
      tokens.add(lexer.kind() + " " + lexer.text());
    }
    return tokens;
  }

  @Test
  void eachConstructIsOneTokenOfItsKind() {
    assertThat(tokens("x$1 'a''b' \"c\"\"d\" `e``f` [g'h] --i\r\n/*j*/;?2:k@l$m $n:(9"))
        .containsExactly(
            "WORD x$1", "SPACE  ", "STRING 'a''b'", "SPACE  ", "QUOTED_IDENTIFIER \"c\"\"d\"",
            "SPACE  ", "QUOTED_IDENTIFIER `e``f`", "SPACE  ", "QUOTED_IDENTIFIER [g'h]",
            "SPACE  ", "COMMENT --i\r", "SPACE \n", "COMMENT /*j*/", "SEMICOLON ;",
            "PARAMETER ?2", "PARAMETER :k", "PARAMETER @l$m", "SPACE  ", "PARAMETER $n", "OTHER :",
            "OTHER (", "WORD 9");
  }

  @Test
  void tokensLaidEndToEndAreTheText() {
    String sql = "CREATE TRIGGER t AFTER INSERT ON u BEGIN SELECT 'x;y' -- z\n; END;";
    StringBuilder joined = new StringBuilder();
    SqlLexer lexer = new SqlLexer(sql);
    while (lexer.next()) {
      joined.append(lexer.text());
    }
    assertThat(joined).hasToString(sql);
  }

  @Test
  void keywordMatchIgnoresCaseButNotLength() {
    SqlLexer lexer = new SqlLexer("Temporary");
    lexer.next();
    assertThat(lexer.isWord("TEMPORARY")).isTrue();
    assertThat(lexer.isWord("TEMP")).isFalse();
  }
}
