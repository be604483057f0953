package org.javameet.bench.load.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;

/** The report as JSON (Jackson; NaN written as null so any JSON reader takes it). */
public final class ReportJson {
    private ReportJson() {
    }

    static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper();
        m.enable(SerializationFeature.INDENT_OUTPUT);
        m.configOverride(Double.class);
        m.registerModule(new com.fasterxml.jackson.databind.module.SimpleModule()
                .addSerializer(Double.class, new NanAsNull()).addSerializer(double.class, new NanAsNull()));
        return m;
    }

    public static void write(Report report, Path file) throws IOException {
        mapper().writeValue(file.toFile(), report);
    }

    private static final class NanAsNull extends com.fasterxml.jackson.databind.ser.std.StdSerializer<Double> {
        NanAsNull() {
            super(Double.class);
        }

        @Override
        public void serialize(Double v, JsonGenerator g, com.fasterxml.jackson.databind.SerializerProvider p)
                throws IOException {
            if (v == null || v.isNaN() || v.isInfinite()) {
                g.writeNull();
            } else {
                g.writeNumber(Math.round(v * 1000) / 1000.0);
            }
        }
    }
}
