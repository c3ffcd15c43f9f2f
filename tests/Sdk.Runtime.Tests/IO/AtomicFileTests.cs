using System;
using System.IO;
using Sdk.Runtime.IO;
using Sdk.Runtime.Tests.TestSupport;

namespace Sdk.Runtime.Tests.IO
{
    public sealed class AtomicFileTests : IDisposable
    {
        private readonly TempDirectory _temp = new();

        public void Dispose() => _temp.Dispose();

        [Fact]
        public void A_write_that_fails_midway_leaves_the_old_file_and_no_temporary_file()
        {
            string path = _temp.File("weights.bin");
            File.WriteAllText(path, "previous");

            Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
            {
                stream.Write(new byte[1000]);
                throw new InvalidOperationException("simulated crash");
            }));

            Assert.Equal("previous", File.ReadAllText(path));
            Assert.Equal([path], Directory.GetFiles(_temp.Path));
        }

        [Fact]
        public void A_complete_write_replaces_the_file()
        {
            string path = _temp.File("weights.bin");
            File.WriteAllText(path, "previous");
            AtomicFile.Write(path, stream => stream.Write([1, 2, 3]));
            Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
            Assert.Equal([path], Directory.GetFiles(_temp.Path));
        }
    }
}
