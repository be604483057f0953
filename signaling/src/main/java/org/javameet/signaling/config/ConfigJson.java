package org.javameet.signaling.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Config JSON text to a Jackson tree with jackson-core's streaming parser, no {@code ObjectMapper}: building a
 * mapper costs ~200 ms of class loading, and the config is read before anything else at start
 * (docs/performance.md, Start-up). The tree is the one {@code ObjectMapper.readTree} gives (ints as IntNode, LongNode
 * or BigIntegerNode by size, fractions as DoubleNode); a duplicate key or content after the top-level value is an
 * error, as with the strict mapper this replaces ({@code STRICT_DUPLICATE_DETECTION}, {@code FAIL_ON_TRAILING_TOKENS}).
 */
final class ConfigJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Content after the top-level value; the location is the first token of it. */
    static final class TrailingContentException extends JsonParseException {
        TrailingContentException(JsonParser p) {
            super(p, "Trailing token (of type " + p.currentToken() + ") found after the top-level value",
                    p.currentTokenLocation());
        }
    }

    private ConfigJson() {
    }

    /** The tree, or null for text without a value (empty or only white space). */
    static JsonNode read(String json) throws JsonProcessingException {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() == null) {
                return null;
            }
            JsonNode root = value(p);
            if (p.nextToken() != null) {
                throw new TrailingContentException(p);
            }
            return root;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("reading from a string cannot fail", e);
        }
    }

    /** The value starting at the parser's current token; leaves the parser on the value's last token. */
    private static JsonNode value(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    object.set(name, value(p));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (p.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                    array.add(value(p));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> NODES.numberNode(p.getIntValue());
                case LONG -> NODES.numberNode(p.getLongValue());
                default -> NODES.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> p.getNumberType() == JsonParser.NumberType.BIG_DECIMAL
                    ? NODES.numberNode(p.getDecimalValue()) : NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            // a text parser gives no other token where a value starts (FIELD_NAME and END_* are consumed above)
            default -> throw new JsonParseException(p, "Unexpected token " + p.currentToken());
        };
    }
}
