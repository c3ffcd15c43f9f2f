using Google.Protobuf;
using Sdk.Runtime.Onnx;
using Sdk.Runtime.Onnx.Proto;

namespace Sdk.Runtime.Tests.Onnx
{
    public class OnnxAttributeTests
    {
        [Fact]
        public void Kind_is_inferred_when_an_old_exporter_left_out_the_type()
        {
            Assert.Equal(3L, OnnxAttribute.FromProto(new AttributeProto { Name = "axis", I = 3 }, "m").AsInt);
            Assert.Equal(0f, OnnxAttribute.FromProto(new AttributeProto { Name = "beta", F = 0f }, "m").AsFloat);
            Assert.Equal("SAME_UPPER", OnnxAttribute.FromProto(new AttributeProto { Name = "auto_pad", S = ByteString.CopyFromUtf8("SAME_UPPER") }, "m").AsString);
            var ints = new AttributeProto { Name = "pads" };
            ints.Ints.Add([1, 2]);
            Assert.Equal([1L, 2L], OnnxAttribute.FromProto(ints, "m").AsInts);
        }

        [Fact]
        public void Hand_encoded_attribute_reads_with_the_official_field_numbers()
        {
            // AttributeProto: name 1, f 2, i 3, s 4, floats 7, ints 8 (unpacked in the official schema), type 20.
            byte[] bytes = new HandMadeProto().String(1, "kernel_shape").Varint(8, 3).Varint(8, 5).Varint(20, 7).ToArray();
            OnnxAttribute a = OnnxAttribute.FromProto(AttributeProto.Parser.ParseFrom(bytes), "m");
            Assert.Equal(OnnxAttributeKind.Ints, a.Kind);
            Assert.Equal([3L, 5L], a.AsInts);
        }

        [Fact]
        public void Ints_are_written_unpacked_like_the_official_schema()
        {
            byte[] expected = new HandMadeProto().String(1, "pads").Varint(8, 1).Varint(8, 2).Varint(20, 7).ToArray();
            Assert.Equal(expected, OnnxAttribute.Ints("pads", 1, 2).ToProto().ToByteArray());
        }
    }
}
