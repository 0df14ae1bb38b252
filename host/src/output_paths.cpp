// output_paths.cpp — see output_paths.h.
#include "softedge/host/output_paths.h"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "softedge/host/file_io.h"

namespace softedge {
namespace host {
namespace {

std::string directory_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string real_path(const std::string& path) {
  std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(path.c_str(), nullptr),
                                                       &std::free);
  return resolved ? std::string(resolved.get()) : std::string();
}

// What makes two paths the same file: device and inode when it exists, else the resolved
// directory and the name (two outputs not yet created at one place).
struct Identity {
  bool exists = false;
  dev_t device = 0;
  ino_t inode = 0;
  std::string location;

  bool same_as(const Identity& other) const {
    if (exists != other.exists) return false;
    return exists ? device == other.device && inode == other.inode : location == other.location;
  }
};

Identity identity_of(const std::string& path) {
  Identity id;
  if (is_standard_output(path)) {
    id.location = "-";
    return id;
  }
  struct stat info;
  if (::stat(path.c_str(), &info) == 0) {
    id.exists = true;
    id.device = info.st_dev;
    id.inode = info.st_ino;
    return id;
  }
  const std::string target = output_target(path);
  const std::string name = target.substr(target.find_last_of('/') + 1);
  id.location = real_path(directory_of(target)) + "/" + name;
  return id;
}

void check_writable(const std::string& path) {
  if (is_standard_output(path)) return;
  const std::string target = output_target(path);
  struct stat info;
  if (::stat(target.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) throw FileError(path + ": is a directory, not a file name");
    if (S_ISCHR(info.st_mode) || S_ISFIFO(info.st_mode)) {
      if (::access(target.c_str(), W_OK) != 0) {
        throw FileError(path + ": cannot write: " + std::strerror(errno));
      }
      return;  // written directly, not replaced
    }
    if (!S_ISREG(info.st_mode)) {
      throw FileError(path + ": not a regular file (a socket or block device): refusing to "
                      "replace it");
    }
  }
  const std::string directory = directory_of(target);
  struct stat dir_info;
  if (::stat(directory.c_str(), &dir_info) != 0) {
    throw FileError(path + ": cannot write into " + directory + ": " + std::strerror(errno));
  }
  if (!S_ISDIR(dir_info.st_mode)) {
    throw FileError(path + ": cannot write into " + directory + ": not a directory");
  }
  // The temporary file is created beside the target, so the directory must take new files.
  if (::access(directory.c_str(), W_OK | X_OK) != 0) {
    throw FileError(path + ": cannot write into " + directory + ": " + std::strerror(errno));
  }
}

}  // namespace

std::string output_target(const std::string& path) {
  struct stat info;
  if (::lstat(path.c_str(), &info) != 0 || !S_ISLNK(info.st_mode)) return path;
  // A link to a device, FIFO or pipe (/dev/stdout -> /proc/self/fd/1 -> pipe:[...]) is opened
  // through the link and written in place; only a regular file's real path matters.
  if (::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode)) return path;
  const std::string target = real_path(path);
  if (target.empty()) {
    throw FileError(path + ": a symbolic link to a missing file or directory (" +
                    std::strerror(errno) + ")");
  }
  return target;
}

void check_output_paths(const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs) {
  // An input that does not exist cannot be overwritten (its reader reports it).
  std::vector<std::pair<std::string, Identity>> existing_inputs;
  for (const std::string& input : inputs) {
    if (input.empty() || is_standard_output(input)) continue;
    const Identity id = identity_of(input);
    if (id.exists) existing_inputs.emplace_back(input, id);
  }
  std::vector<std::pair<std::string, Identity>> seen;
  for (const std::string& output : outputs) {
    if (output.empty()) continue;
    check_writable(output);
    const Identity id = identity_of(output);
    for (const auto& input : existing_inputs) {
      if (id.same_as(input.second)) {
        throw FileError(output + ": is the same file as the input " + input.first +
                        ": refusing to overwrite an input");
      }
    }
    for (const auto& other : seen) {
      if (id.same_as(other.second)) {
        throw FileError(output + ": is the same file as another output (" + other.first + ")");
      }
    }
    seen.emplace_back(output, id);
  }
}

}  // namespace host
}  // namespace softedge
