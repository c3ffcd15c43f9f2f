using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Sdk.Runtime.Tests.TestSupport;
using Sdk.Runtime.Weights;

namespace Sdk.Runtime.Tests.Weights
{
    /// <summary>The bytes on disk, compared with files assembled by hand from the format's description.</summary>
    public sealed class SafeTensorsLayoutTests : System.IDisposable
    {
        private readonly TempDirectory _temp = new();

        public void Dispose() => _temp.Dispose();

        [Fact]
        public void F32_file_matches_the_reference_layout_byte_for_byte()
        {
            string path = _temp.File("layout.safetensors");
            SafeTensorsFile.Write(
                path,
                [new NamedTensor("b", [2], [1f, -2f]), new NamedTensor("a", [1, 1], [0.5f])],
                WireDtype.F32,
                new Dictionary<string, string> { ["format"] = "pt" });

            // 141 bytes of compact JSON, metadata first, tensors by name, then 3 spaces to reach 144 (a multiple of 8).
            const string header =
                "{\"__metadata__\":{\"format\":\"pt\"}," +
                "\"a\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0,4]}," +
                "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}   ";
            byte[] expected = HandMadeSafeTensors.Build(header, HandMadeSafeTensors.Floats(0.5f, 1f, -2f));

            Assert.Equal(144, header.Length);
            Assert.Equal(expected, File.ReadAllBytes(path));
            Assert.Equal(new byte[] { 144, 0, 0, 0, 0, 0, 0, 0 }, File.ReadAllBytes(path).Take(8));
        }

        [Fact]
        public void F16_file_matches_the_reference_layout_byte_for_byte()
        {
            string path = _temp.File("half.safetensors");
            SafeTensorsFile.Write(path, [new NamedTensor("h", [3], [1f, -2.5f, 65504f])], WireDtype.F16);

            const string header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]}}  ";
            byte[] expected = HandMadeSafeTensors.Build(header, [0x00, 0x3C, 0x00, 0xC1, 0xFF, 0x7B]);
            Assert.Equal(expected, File.ReadAllBytes(path));
        }

        [Fact]
        public void BF16_file_holds_the_rounded_top_halves()
        {
            string path = _temp.File("bf.safetensors");
            // 1 + 3*2^-8 is a tie that rounds up to the even 0x3F82.
            SafeTensorsFile.Write(path, [new NamedTensor("b", [2], [1.01171875f, -2.5f])], WireDtype.BF16);

            // 55 bytes of JSON + 1 space.
            const string header = "{\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}";
            byte[] expected = HandMadeSafeTensors.Build(header + " ", [0x82, 0x3F, 0x20, 0xC0]);
            Assert.Equal(expected, File.ReadAllBytes(path));
        }

        [Fact]
        public void Reads_a_hand_made_file_with_every_dtype_unpadded_and_out_of_name_order()
        {
            const string header =
                "{\"z\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}," +
                "\"y\":{\"dtype\":\"I32\",\"shape\":[1,1],\"data_offsets\":[16,20]}," +
                "\"x\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[20,24]}," +
                "\"__metadata__\":{\"source\":\"hand\"}," +
                "\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[24,28]}," +
                "\"v\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[28,32]}}";
            byte[] buffer =
            [
                0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,  // I64 -3
                0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,  // I64 2^40
                0x07, 0x00, 0x00, 0x00,                          // I32 7
                0x80, 0x3F, 0x20, 0xC0,                          // BF16 1, -2.5
                0x00, 0x3C, 0x01, 0x00,                          // F16 1, 2^-24
                0x00, 0x00, 0x28, 0x42,                          // F32 42
            ];
            string path = _temp.File("hand.safetensors");
            File.WriteAllBytes(path, HandMadeSafeTensors.Build(header, buffer));

            SafeTensorsFile file = SafeTensorsFile.Read(path);
            Assert.Equal(["v", "w", "x", "y", "z"], file.Names);
            Assert.Equal("hand", file.Metadata["source"]);
            Assert.Equal([-3L, 1L << 40], file.GetInt64("z"));
            Assert.Equal([7L], file.GetInt64("y"));
            Assert.Equal([1, 1], file.Get("y").Shape);
            Assert.Equal([7f], file.Get("y").Data);
            Assert.Equal([1f, -2.5f], file.Get("x").Data);
            Assert.Equal([1f, 5.9604645e-08f], file.Get("w").Data);
            Assert.Empty(file.Get("v").Shape);
            Assert.Equal([42f], file.Get("v").Data);
            Assert.Equal(WireDtype.I64, file.Entries.Single(e => e.Name == "z").Dtype);
            Assert.Throws<System.InvalidOperationException>(() => file.GetInt64("v"));
        }

        [Fact]
        public void Header_names_are_utf8()
        {
            string path = _temp.File("utf8.safetensors");
            SafeTensorsFile.Write(path, [new NamedTensor("größe+1", [1], [1f])]);
            byte[] bytes = File.ReadAllBytes(path);
            string header = Encoding.UTF8.GetString(bytes, 8, bytes[0]);
            Assert.Contains("\"größe+1\"", header);
            Assert.Equal(["größe+1"], SafeTensorsFile.Read(path).Names);
        }
    }
}
